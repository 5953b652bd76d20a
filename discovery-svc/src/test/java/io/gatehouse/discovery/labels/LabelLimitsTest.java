package io.gatehouse.discovery.labels;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.discovery.marathon.AppParser;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A label is bounded in size and depth before anything reads it. */
class LabelLimitsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ProxyTranslator translator =
      new ProxyTranslator(new ProxySettings(Set.of(80), 10000, 20000));

  private ProxyTranslator.Result translate(String label) throws Exception {
    ObjectNode app =
        (ObjectNode)
            JSON.readTree(
                "{\"id\": \"/big\", \"networks\": [{\"mode\": \"host\"}],"
                    + " \"portDefinitions\": [{\"port\": 10050}]}");
    app.putObject("labels").put("avi_proxy", label);
    return translator.translate("default", AppParser.parse(app));
  }

  @Test
  void anOversizedLabelIsAnErrorOnItsAppAlone() throws Exception {
    String label = "{\"virtualservice\": {\"description\": \"" + "x".repeat(70_000) + "\"}}";

    ProxyTranslator.Result result = translate(label);

    assertThat(result.virtualServices()).isEmpty();
    assertThat(result.errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.label()).isEqualTo("avi_proxy");
              assertThat(e.code()).isEqualTo("INVALID_VALUE");
              assertThat(e.message()).contains("at most 65536");
            });
  }

  @Test
  void aLabelNestedDeeperThanAviSchemaEverGoesIsRefused() throws Exception {
    String label = "{\"virtualservice\": " + "{\"a\": ".repeat(40) + "1" + "}".repeat(40) + "}";

    ProxyTranslator.Result result = translate(label);

    assertThat(result.errors())
        .singleElement()
        .satisfies(e -> assertThat(e.code()).isEqualTo("INVALID_JSON"));
  }
}
