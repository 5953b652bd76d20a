package io.gatehouse.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ApiMessagesTest {
  private static final Path PROTO_ROOT = Path.of("src/main/proto");

  static Stream<Descriptor> messageTypes() {
    return GeneratedTypes.messageTypes().stream();
  }

  @Test
  void servicesReachEveryProtoFileInTheModule() throws IOException {
    List<String> onDisk;
    try (Stream<Path> paths = Files.walk(PROTO_ROOT)) {
      onDisk =
          paths
              .filter(p -> p.toString().endsWith(".proto"))
              .map(p -> PROTO_ROOT.relativize(p).toString().replace('\\', '/'))
              .sorted()
              .toList();
    }
    assertThat(onDisk).hasSizeGreaterThanOrEqualTo(18);
    assertThat(GeneratedTypes.files().keySet()).containsExactlyInAnyOrderElementsOf(onDisk);
  }

  @Test
  void everyFileUsesItsServicesVersionedJavaPackage() {
    for (FileDescriptor file : GeneratedTypes.files().values()) {
      String service = file.getPackage().split("\\.")[1];
      assertThat(file.getPackage()).as(file.getName()).isEqualTo("gatehouse." + service + ".v1");
      assertThat(file.getOptions().getJavaPackage())
          .as(file.getName())
          .isEqualTo("io.gatehouse.api." + service + ".v1");
      assertThat(file.getOptions().getJavaMultipleFiles()).as(file.getName()).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messageTypes")
  void everyMessageSurvivesTheWireFormatWithEveryFieldSet(Descriptor type)
      throws InvalidProtocolBufferException {
    for (int variant = 0; variant < SampleMessages.variantCount(type); variant++) {
      Message sent = SampleMessages.sample(type, variant);

      Message received = sent.getParserForType().parseFrom(sent.toByteArray());

      assertThat(received).isEqualTo(sent);
      assertEveryFieldOutsideOneofsIsSet(received);
      assertThat(received.getClass().getPackageName()).startsWith("io.gatehouse.api.");
    }
  }

  @Test
  void everyOneofMemberIsCoveredByTheVariants() {
    for (Descriptor type : GeneratedTypes.messageTypes()) {
      for (var oneof : type.getRealOneofs()) {
        for (FieldDescriptor member : oneof.getFields()) {
          boolean covered = false;
          for (int variant = 0; variant < SampleMessages.variantCount(type); variant++) {
            covered |= SampleMessages.sample(type, variant).hasField(member);
          }
          assertThat(covered).as(member.getFullName()).isTrue();
        }
      }
    }
  }

  private static void assertEveryFieldOutsideOneofsIsSet(Message message) {
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      if (field.getRealContainingOneof() != null) {
        continue;
      }
      if (field.isRepeated()) {
        assertThat(message.getRepeatedFieldCount(field)).as(field.getFullName()).isPositive();
      } else {
        assertThat(message.hasField(field)).as(field.getFullName()).isTrue();
      }
    }
  }
}
