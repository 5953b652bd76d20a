package io.gatehouse.engine.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/2 client that writes frames by hand over a cleartext socket (prior knowledge), so that a
 * test can send what no well-behaved client would: floods of resets, PINGs, SETTINGS and
 * CONTINUATION frames, header blocks that expand beyond any limit, a window that never opens.
 */
public final class H2Client implements AutoCloseable {
  public static final int DATA = 0;
  public static final int HEADERS = 1;
  public static final int RST_STREAM = 3;
  public static final int SETTINGS = 4;
  public static final int PING = 6;
  public static final int GOAWAY = 7;
  public static final int WINDOW_UPDATE = 8;
  public static final int CONTINUATION = 9;
  public static final int END_STREAM = 0x1;
  public static final int END_HEADERS = 0x4;

  /** One frame as read. */
  public record Frame(int type, int flags, int stream, byte[] payload) {
    /** For GOAWAY: its error code. */
    public long errorCode() {
      return ByteBuffer.wrap(payload, 4, 4).getInt() & 0xffffffffL;
    }
  }

  /** A response: its status and body. */
  public record Response(int status, Http2Headers headers, String body) {}

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder();
  private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
  // what has been read of each stream: header blocks are decoded as they come (HPACK's table is
  // the connection's), whichever stream they belong to
  private final java.util.Map<Integer, Http2Headers> heads = new java.util.HashMap<>();
  private final java.util.Map<Integer, ByteArrayOutputStream> bodies = new java.util.HashMap<>();
  private final java.util.Set<Integer> ended = new java.util.HashSet<>();

  private H2Client(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(10_000);
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects to loopback {@code port} and sends the preface and SETTINGS of {@code settings}. */
  public static H2Client connect(int port, int... settings) throws IOException {
    H2Client client = new H2Client(new Socket(InetAddress.getLoopbackAddress(), port));
    client.out.write(ByteBufUtil.getBytes(Http2CodecUtil.connectionPrefaceBuf()));
    ByteBuffer payload = ByteBuffer.allocate(settings.length / 2 * 6);
    for (int i = 0; i + 1 < settings.length; i += 2) {
      payload.putShort((short) settings[i]).putInt(settings[i + 1]);
    }
    client.frame(SETTINGS, 0, 0, payload.array());
    return client;
  }

  /** Writes one frame. */
  public void frame(int type, int flags, int stream, byte[] payload) throws IOException {
    byte[] header = new byte[9];
    header[0] = (byte) (payload.length >>> 16);
    header[1] = (byte) (payload.length >>> 8);
    header[2] = (byte) payload.length;
    header[3] = (byte) type;
    header[4] = (byte) flags;
    ByteBuffer.wrap(header, 5, 4).putInt(stream);
    out.write(header);
    out.write(payload);
    out.flush();
  }

  /** The HPACK encoding of a request's headers (this client's table keeps what it indexed). */
  public byte[] headerBlock(String method, String path, String authority, String... more)
      throws Http2Exception {
    Http2Headers headers =
        new DefaultHttp2Headers().method(method).path(path).scheme("http").authority(authority);
    for (int i = 0; i + 1 < more.length; i += 2) {
      headers.add(more[i], more[i + 1]);
    }
    ByteBuf block = Unpooled.buffer();
    encoder.encodeHeaders(1, headers, block);
    byte[] bytes = ByteBufUtil.getBytes(block);
    block.release();
    return bytes;
  }

  /** Sends a request's HEADERS (with END_STREAM when it has no body). */
  public void request(int stream, String method, String path, boolean endStream, String... more)
      throws IOException, Http2Exception {
    frame(
        HEADERS,
        END_HEADERS | (endStream ? END_STREAM : 0),
        stream,
        headerBlock(method, path, "web", more));
  }

  /** The next frame; null when the engine closed the connection. SETTINGS are acknowledged. */
  public Frame next() throws IOException {
    byte[] header = new byte[9];
    try {
      in.readFully(header);
    } catch (EOFException | SocketException closed) {
      return null;
    }
    int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
    byte[] payload = new byte[length];
    try {
      in.readFully(payload);
    } catch (EOFException | SocketException closed) {
      return null;
    }
    Frame frame =
        new Frame(
            header[3] & 0xff,
            header[4] & 0xff,
            ByteBuffer.wrap(header, 5, 4).getInt() & 0x7fffffff,
            payload);
    track(frame);
    if (frame.type() == SETTINGS && (frame.flags() & 1) == 0) {
      try {
        frame(SETTINGS, 1, 0, new byte[0]);
      } catch (IOException closing) {
        // the engine is ending the connection; what it sent is still read
      }
    }
    return frame;
  }

  /** Keeps what {@code frame} says of its stream. */
  private void track(Frame frame) throws IOException {
    int stream = frame.stream();
    if (frame.type() == HEADERS) {
      try {
        Http2Headers decoded =
            decoder.decodeHeaders(stream, Unpooled.wrappedBuffer(frame.payload()));
        heads.putIfAbsent(stream, decoded); // the response's; later blocks are trailers
      } catch (Http2Exception e) {
        throw new IOException("a header block that does not decode", e);
      }
    } else if (frame.type() == DATA) {
      bodies.computeIfAbsent(stream, s -> new ByteArrayOutputStream()).write(frame.payload());
      if (frame.payload().length > 0) {
        byte[] increment = ByteBuffer.allocate(4).putInt(frame.payload().length).array();
        try {
          frame(WINDOW_UPDATE, 0, 0, increment);
        } catch (IOException closing) {
          // the engine is ending the connection
        }
      }
    }
    boolean endsStream =
        (frame.type() == HEADERS || frame.type() == DATA) && (frame.flags() & END_STREAM) != 0;
    if (endsStream || frame.type() == RST_STREAM) {
      ended.add(stream);
    }
  }

  /** Reads frames until {@code stream} ends, and returns its response. */
  public Response response(int stream) throws IOException {
    while (!ended.contains(stream)) {
      if (next() == null) {
        throw new IOException("the connection closed before stream " + stream + " ended");
      }
    }
    Http2Headers headers = heads.get(stream);
    if (headers == null) {
      throw new IOException("stream " + stream + " was reset");
    }
    ByteArrayOutputStream body = bodies.getOrDefault(stream, new ByteArrayOutputStream());
    return new Response(
        Integer.parseInt(headers.status().toString()),
        headers,
        body.toString(StandardCharsets.UTF_8));
  }

  /** Reads until a GOAWAY (returned) or the end of the connection (null). */
  public Frame goAway() throws IOException {
    Frame frame;
    while ((frame = next()) != null) {
      if (frame.type() == GOAWAY) {
        return frame;
      }
    }
    return null;
  }

  /** Writes frames until the engine stops taking them; true when it closed the connection. */
  public boolean closedWhileSending(java.util.function.IntFunction<byte[]> frames, int count) {
    try {
      for (int i = 0; i < count; i++) {
        out.write(frames.apply(i));
      }
      out.flush();
      return false;
    } catch (IOException closed) {
      return true;
    }
  }

  /** The bytes of one frame. */
  public static byte[] bytes(int type, int flags, int stream, byte[] payload) {
    ByteBuffer frame = ByteBuffer.allocate(9 + payload.length);
    frame.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8));
    frame.put((byte) payload.length).put((byte) type).put((byte) flags).putInt(stream);
    return frame.put(payload).array();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
