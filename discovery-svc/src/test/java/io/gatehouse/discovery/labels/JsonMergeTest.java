package io.gatehouse.discovery.labels;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonMergeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void mapsMergeRecursivelyListsByIndexAndScalarsAreReplaced() throws Exception {
    var base =
        JSON.readTree(
            "{\"name\": \"a\", \"services\": [{\"port\": 10001, \"enable_ssl\": false}, {\"port\": 10002}], \"x\": {\"y\": 1, \"z\": 2}}");
    var overlay =
        JSON.readTree("{\"services\": [{\"port\": 80}], \"x\": {\"z\": 3}, \"extra\": true}");

    var merged = JsonMerge.merge(base, overlay);

    assertThat(merged)
        .isEqualTo(
            JSON.readTree(
                "{\"name\": \"a\", \"services\": [{\"port\": 80, \"enable_ssl\": false}, {\"port\": 10002}], \"x\": {\"y\": 1, \"z\": 3}, \"extra\": true}"));
    assertThat(base.get("services").get(0).get("port").asInt())
        .isEqualTo(10001); // inputs untouched
  }
}
