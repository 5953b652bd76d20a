package io.gatehouse.discovery.labels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The {@code avi_proxy} merge: the label is laid over defaults built from the app, maps merged
 * recursively, lists element by element (by index), anything else replaced.
 */
final class JsonMerge {
  private JsonMerge() {}

  /** {@code base} with {@code overlay} merged into it; neither argument is changed. */
  static JsonNode merge(JsonNode base, JsonNode overlay) {
    if (overlay == null || overlay.isMissingNode()) {
      return base == null ? null : base.deepCopy();
    }
    if (base instanceof ObjectNode baseObject && overlay instanceof ObjectNode overlayObject) {
      ObjectNode out = baseObject.deepCopy();
      for (Map.Entry<String, JsonNode> field : overlayObject.properties()) {
        out.set(field.getKey(), merge(out.get(field.getKey()), field.getValue()));
      }
      return out;
    }
    if (base instanceof ArrayNode baseArray && overlay instanceof ArrayNode overlayArray) {
      ArrayNode out = baseArray.deepCopy();
      for (int i = 0; i < overlayArray.size(); i++) {
        if (i < out.size()) {
          out.set(i, merge(out.get(i), overlayArray.get(i)));
        } else {
          out.add(overlayArray.get(i).deepCopy());
        }
      }
      return out;
    }
    return overlay.deepCopy();
  }
}
