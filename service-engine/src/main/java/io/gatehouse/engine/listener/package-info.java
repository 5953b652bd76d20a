/** Listening sockets and the virtual services behind them. */
package io.gatehouse.engine.listener;
