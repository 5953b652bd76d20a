package io.gatehouse.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Calls every RPC of every service over a real loopback HTTP/2 connection, so requests and
 * responses of each method go through the wire format and the generated marshallers. The server
 * answers each call with sample responses and records what it received.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiServicesTest {
  private static final int STREAMED = 2;

  private final Queue<Object> received = new ConcurrentLinkedQueue<>();
  private Server server;
  private ManagedChannel channel;

  @BeforeAll
  void startServer() throws Exception {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
    GeneratedTypes.services().forEach(service -> builder.addService(sampleService(service)));
    server = builder.build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }

  @AfterAll
  void stopServer() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  static Stream<MethodDescriptor<?, ?>> methods() {
    return GeneratedTypes.services().stream().flatMap(s -> s.getMethods().stream());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("methods")
  void everyMethodCarriesItsRequestAndResponseOverTheWire(MethodDescriptor<?, ?> descriptor)
      throws Exception {
    @SuppressWarnings("unchecked")
    MethodDescriptor<Message, Message> method = (MethodDescriptor<Message, Message>) descriptor;
    Message request = SampleMessages.sample(inputType(method), 0);
    Message response = SampleMessages.sample(outputType(method), 0);
    received.clear();

    List<Message> responses = call(method, request);

    assertThat(responses).isNotEmpty().allSatisfy(r -> assertThat(r).isEqualTo(response));
    assertThat(received).isNotEmpty().allSatisfy(r -> assertThat(r).isEqualTo(request));
    assertThat(responses.get(0)).isNotSameAs(response);
  }

  private List<Message> call(MethodDescriptor<Message, Message> method, Message request)
      throws Exception {
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);
    return switch (method.getType()) {
      case UNARY -> List.of(ClientCalls.blockingUnaryCall(channel, method, options, request));
      case SERVER_STREAMING -> {
        List<Message> all = new ArrayList<>();
        Iterator<Message> it =
            ClientCalls.blockingServerStreamingCall(channel, method, options, request);
        it.forEachRemaining(all::add);
        yield all;
      }
      case CLIENT_STREAMING, BIDI_STREAMING -> {
        CollectingObserver observer = new CollectingObserver();
        StreamObserver<Message> requests =
            method.getType() == MethodDescriptor.MethodType.BIDI_STREAMING
                ? ClientCalls.asyncBidiStreamingCall(channel.newCall(method, options), observer)
                : ClientCalls.asyncClientStreamingCall(channel.newCall(method, options), observer);
        for (int i = 0; i < STREAMED; i++) {
          requests.onNext(request);
        }
        requests.onCompleted();
        yield observer.done.get(10, TimeUnit.SECONDS);
      }
      case UNKNOWN -> throw new AssertionError("unknown method type " + method);
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private ServerServiceDefinition sampleService(ServiceDescriptor service) {
    ServerServiceDefinition.Builder definition = ServerServiceDefinition.builder(service);
    for (MethodDescriptor<?, ?> method : service.getMethods()) {
      Message response = SampleMessages.sample(outputType(method), 0);
      definition.addMethod(
          (MethodDescriptor) method,
          switch (method.getType()) {
            case UNARY ->
                ServerCalls.asyncUnaryCall(
                    (req, out) -> {
                      received.add(req);
                      out.onNext(response);
                      out.onCompleted();
                    });
            case SERVER_STREAMING ->
                ServerCalls.asyncServerStreamingCall(
                    (req, out) -> {
                      received.add(req);
                      for (int i = 0; i < STREAMED; i++) {
                        out.onNext(response);
                      }
                      out.onCompleted();
                    });
            case CLIENT_STREAMING ->
                ServerCalls.asyncClientStreamingCall(out -> echoOnceAtEnd(out, response));
            case BIDI_STREAMING ->
                ServerCalls.asyncBidiStreamingCall(out -> echoEach(out, response));
            case UNKNOWN -> throw new AssertionError("unknown method type " + method);
          });
    }
    return definition.build();
  }

  private StreamObserver<Object> echoEach(StreamObserver<Object> out, Message response) {
    return new StreamObserver<>() {
      @Override
      public void onNext(Object request) {
        received.add(request);
        out.onNext(response);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        out.onCompleted();
      }
    };
  }

  private StreamObserver<Object> echoOnceAtEnd(StreamObserver<Object> out, Message response) {
    return new StreamObserver<>() {
      @Override
      public void onNext(Object request) {
        received.add(request);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        out.onNext(response);
        out.onCompleted();
      }
    };
  }

  private static Descriptor inputType(MethodDescriptor<?, ?> method) {
    return ((ProtoMethodDescriptorSupplier) method.getSchemaDescriptor())
        .getMethodDescriptor()
        .getInputType();
  }

  private static Descriptor outputType(MethodDescriptor<?, ?> method) {
    return ((ProtoMethodDescriptorSupplier) method.getSchemaDescriptor())
        .getMethodDescriptor()
        .getOutputType();
  }

  private static final class CollectingObserver implements StreamObserver<Message> {
    final List<Message> responses = new ArrayList<>();
    final CompletableFuture<List<Message>> done = new CompletableFuture<>();

    @Override
    public void onNext(Message value) {
      responses.add(value);
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      done.complete(responses);
    }
  }
}
