/**
 * The API's OpenAPI document, made from the routes the console serves: a route that is one gRPC
 * call is described by that call's messages, any other by the Java records it reads and answers.
 */
package io.gatehouse.console.openapi;
