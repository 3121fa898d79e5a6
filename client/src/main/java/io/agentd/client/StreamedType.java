package io.agentd.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;

/**
 * An answer type with a decoder written for it on Jackson's streaming parser, used before
 * databind. Building databind's {@code ObjectMapper} and its deserializer for a record is a large
 * share of a short {@code agentctl} call in a fresh JVM, and the decoder reads the same answer for
 * a fraction of it (docs/benchmarks.md, "agentctl start-up"). It must decode every answer
 * exactly as databind does ({@code StreamDecodersTest} holds it to that); any token it does not
 * expect makes it give up, and databind reads the answer instead, so an odd answer fails or
 * succeeds as it always did.
 *
 * <p>Subclass it anonymously so that the type argument is kept:
 * {@code new StreamedType<AgentView>(StreamDecoders::agent) {}}.
 */
abstract class StreamedType<T> extends TypeReference<T> {

  /** Reads one value whose first token is the parser's current token. */
  @FunctionalInterface
  interface Decoder<T> {
    T read(JsonParser parser) throws IOException;
  }

  private final Decoder<T> decoder;

  StreamedType(Decoder<T> decoder) {
    this.decoder = decoder;
  }

  Decoder<T> decoder() {
    return decoder;
  }
}
