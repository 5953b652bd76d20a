package io.gatehouse.semanager.push;

import java.time.Duration;

/** Hears how long changes took from their cause (a Marathon event) to the engines' answers. */
public interface PropagationListener {
  /** Hears nothing. */
  PropagationListener NONE =
      new PropagationListener() {
        @Override
        public void engineDone(Duration sinceCause) {}

        @Override
        public void allDone(Duration sinceCause) {}
      };

  /** One engine answered every update a change caused. */
  void engineDone(Duration sinceCause);

  /** Every engine the change reached answered. */
  void allDone(Duration sinceCause);
}
