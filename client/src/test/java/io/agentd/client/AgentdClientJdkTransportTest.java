package io.agentd.client;

class AgentdClientJdkTransportTest extends AgentdClientTest {
  @Override
  AgentdClient.Transport transport() {
    return AgentdClient.Transport.JDK_HTTP_CLIENT;
  }
}
