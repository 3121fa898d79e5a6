package io.agentd.client;

class AgentdClientUrlConnectionTest extends AgentdClientTest {
  @Override
  AgentdClient.Transport transport() {
    return AgentdClient.Transport.URL_CONNECTION;
  }
}
