package io.gatehouse.engine.http.framing;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Stands in front of one Netty HTTP decoder: scans each message head before the decoder reads it
 * ({@link HeadScanner}), checks the framing of each head the decoder produced, and once a message
 * is refused, discards everything after it (the connection is closed after the answer). The decoder
 * reads at most one head per call, so a head is always scanned in full before it is parsed.
 */
final class HeadGuard {
  private final HeadScanner scanner = new HeadScanner();
  private int scanned; // bytes past the reader index that the scanner has read already
  private int readerBefore;
  private boolean refused;
  private boolean upgraded;

  /**
   * Whether the decoder may go on with {@code in}. When not, {@code out} has had a failed message
   * from {@code invalid} added (for the first refusal only) and {@code in} has been discarded.
   */
  boolean admit(ByteBuf in, List<Object> out, Supplier<HttpMessage> invalid) {
    if (refused) {
      in.skipBytes(in.readableBytes());
      return false;
    }
    readerBefore = in.readerIndex();
    if (upgraded || scanner.done()) {
      return true; // a body, or bytes of another protocol after a 101
    }
    int from = in.readerIndex() + scanned;
    int stop = in.forEachByte(from, in.writerIndex() - from, scanner);
    scanned = (stop < 0 ? in.writerIndex() : stop + 1) - in.readerIndex();
    if (scanner.problem() == null) {
      return true;
    }
    HttpMessage failed = invalid.get();
    failed.setDecoderResult(DecoderResult.failure(FramingException.badRequest(scanner.problem())));
    out.add(failed);
    refuse(in);
    return false;
  }

  /**
   * Looks at what the decoder produced from {@code out[from]} on: each message head has its framing
   * checked by {@code framing} (a refused one gets a failed decoder result and ends the
   * connection's decoding), and the end of a message readies the scanner for the next head.
   */
  void decoded(ByteBuf in, List<Object> out, int from, Consumer<HttpMessage> framing) {
    for (int i = from; i < out.size(); i++) {
      Object message = out.get(i);
      if (message instanceof HttpMessage head && head.decoderResult().isSuccess()) {
        try {
          framing.accept(head);
        } catch (FramingException e) {
          head.setDecoderResult(DecoderResult.failure(e));
        }
      }
      if (message instanceof HttpObject object && object.decoderResult().isFailure()) {
        // refused here or by Netty (a chunk size that overflows, say): the last thing decoded
        while (out.size() > i + 1) {
          ReferenceCountUtil.release(out.remove(out.size() - 1)); // its end marker, say
        }
        refuse(in);
        return;
      }
      if (message instanceof HttpResponse response
          && response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
        upgraded = true;
      }
      if (message instanceof LastHttpContent) {
        scanner.reset();
        scanned = 0;
        return;
      }
    }
    scanned = Math.max(0, scanned - (in.readerIndex() - readerBefore));
  }

  /** Whether bytes of a head have arrived and the head is not complete yet. */
  boolean inHead() {
    return scanner.inHead();
  }

  /** Whether a message was refused: the decoder must produce nothing more, at the end neither. */
  boolean refused() {
    return refused;
  }

  private void refuse(ByteBuf in) {
    refused = true;
    in.skipBytes(in.readableBytes());
  }
}
