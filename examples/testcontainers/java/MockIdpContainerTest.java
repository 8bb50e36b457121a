// mock_idp from a JUnit 5 suite with Testcontainers (org.testcontainers:testcontainers, junit-jupiter).
// The host port is fixed before start (FixedHostPortGenericContainer) so the issuer URL is the URL
// the test uses; the admin API answers a bearer token only (calls come from outside the container).
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.FixedHostPortGenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

class MockIdpContainerTest {
  static final String ADMIN_TOKEN = UUID.randomUUID().toString();
  static FixedHostPortGenericContainer<?> idp;
  static String baseUrl;

  @BeforeAll
  static void start() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    baseUrl = "http://localhost:" + port;
    idp = new FixedHostPortGenericContainer<>("mock-idp:latest")
        .withFixedExposedPort(port, 8000)
        .withEnv("MOCK_IDP_BASE_URL", baseUrl)
        .withEnv("MOCK_IDP_ADMIN_TOKEN", ADMIN_TOKEN)
        .waitingFor(Wait.forHttp("/healthz").forPort(8000).forStatusCode(200));
    idp.start();
  }

  @AfterAll
  static void stop() {
    idp.stop();
  }

  @Test
  void mintsATokenWithTheContainersIssuer() throws Exception {
    HttpRequest mint = HttpRequest.newBuilder(URI.create(baseUrl + "/_admin/tenants/default/tokens"))
        .header("Authorization", "Bearer " + ADMIN_TOKEN)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"username\": \"alice\"}"))
        .build();
    HttpResponse<String> response = HttpClient.newHttpClient().send(mint, HttpResponse.BodyHandlers.ofString());
    assertTrue(response.body().contains("\"id_token\""), response.body());
  }
}
