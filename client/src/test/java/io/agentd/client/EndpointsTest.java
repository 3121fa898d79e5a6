package io.agentd.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class EndpointsTest {

  @Test
  void acceptsUrisAndBareHostPorts() {
    assertThat(Endpoints.parse("http://10.0.0.1:7420, 10.0.0.2:7500,localhost"))
        .containsExactly(URI.create("http://10.0.0.1:7420"), URI.create("http://10.0.0.2:7500"),
            URI.create("http://localhost:7420"));
  }

  @Test
  void keepsHttpsAndIpv6() {
    assertThat(Endpoints.parse("https://agentd.example:443/,[::1]:7420"))
        .containsExactly(URI.create("https://agentd.example:443"), URI.create("http://[::1]:7420"));
  }

  @Test
  void rejectsWhatIsNotAnEndpointNamingIt() {
    assertThatThrownBy(() -> Endpoints.parse("ftp://h:21")).hasMessageContaining("ftp://h:21");
    assertThatThrownBy(() -> Endpoints.parse("http://h:7420/v1")).hasMessageContaining("http://h:7420/v1");
    assertThatThrownBy(() -> Endpoints.parse("h:port")).hasMessageContaining("h:port");
    assertThatThrownBy(() -> Endpoints.parse(" , ")).hasMessageContaining("no endpoint");
  }
}
