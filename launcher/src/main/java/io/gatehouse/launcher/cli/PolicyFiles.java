package io.gatehouse.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.util.JsonFormat;
import io.gatehouse.api.policy.v1.PolicyObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Policy objects in files: each YAML document (or each element of a JSON array) is one object in
 * the API's JSON form under its kind, the form {@code gatehouse get} prints:
 *
 * <pre>
 * pool:
 *   meta: {name: web}
 *   servers: [{ip: 10.0.0.5, port: 8080}]
 * ---
 * virtualService:
 *   meta: {name: web}
 *   ...
 * </pre>
 *
 * Field names may be written in the API's JSON form ({@code poolRef}) or as in the .proto ({@code
 * pool_ref}).
 */
final class PolicyFiles {
  private static final ObjectMapper YAML =
      new YAMLMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .build());
  private static final ObjectMapper JSON = new ObjectMapper();

  private PolicyFiles() {}

  /** Every object in {@code file}; a file that does not parse is refused whole. */
  static List<PolicyObjects.Entry> read(Path file) {
    List<JsonNode> documents;
    try (MappingIterator<JsonNode> reader =
        YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      documents = reader.readAll();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
    List<PolicyObjects.Entry> entries = new ArrayList<>();
    for (int document = 1; document <= documents.size(); document++) {
      JsonNode node = documents.get(document - 1);
      if (node == null || node.isNull() || node.isMissingNode()) {
        continue; // an empty document, e.g. after a trailing '---'
      }
      if (node.isArray()) {
        for (int i = 0; i < node.size(); i++) {
          entries.add(parse(node.get(i), file + ", element " + (i + 1)));
        }
      } else {
        entries.add(parse(node, file + ", document " + document));
      }
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no object");
    }
    return entries;
  }

  private static PolicyObjects.Entry parse(JsonNode node, String where) {
    PolicyObject.Builder object = PolicyObject.newBuilder();
    try {
      JsonFormat.parser().merge(JSON.writeValueAsString(node), object);
    } catch (IOException e) { // InvalidProtocolBufferException names the field at fault
      throw new IllegalArgumentException(where + ": " + e.getMessage());
    }
    try {
      return PolicyObjects.Entry.of(object.build());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage());
    }
  }

  /** An object as YAML, in the form {@link #read} takes back. */
  static String yaml(PolicyObjects.Entry entry) {
    try {
      return YAML.writeValueAsString(JSON.readTree(JsonFormat.printer().print(entry.wrapped())));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
