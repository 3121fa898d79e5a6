package io.agentd.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentd.client.api.AgentSpecView;
import io.agentd.client.api.AgentView;
import io.agentd.client.api.AssignmentView;
import io.agentd.client.api.ErrorBody;
import io.agentd.client.api.HealthView;
import io.agentd.client.api.MetadataEntryView;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The streaming decoders read every answer as databind does: the same records from the same bytes,
 * whatever the field order, with fields missing, {@code null} or unknown. Where they give up,
 * databind's reading is what the client answers with.
 */
class StreamDecodersTest {

  private static final ObjectMapper DATABIND =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  @Property(tries = 300)
  void anAgentDecodesAsDatabindDecodesIt(@ForAll("agents") AgentView agent, @ForAll long seed) throws Exception {
    byte[] json = DATABIND.writeValueAsBytes(reshape(DATABIND.valueToTree(agent), new Random(seed)));

    AgentView streamed = StreamDecoders.decode(json, StreamDecoders::agent);

    assertThat(streamed).isEqualTo(DATABIND.readValue(json, AgentView.class));
  }

  @Property(tries = 50)
  void aListDecodesAsDatabindDecodesIt(@ForAll("agentLists") List<AgentView> agents, @ForAll long seed)
      throws Exception {
    Random random = new Random(seed);
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (AgentView agent : agents) {
      array.add(reshape(DATABIND.valueToTree(agent), random));
    }
    byte[] json = DATABIND.writeValueAsBytes(array);

    List<AgentView> streamed = StreamDecoders.decode(json, StreamDecoders::agents);

    assertThat(streamed).isEqualTo(DATABIND.readValue(json, new TypeReference<List<AgentView>>() {}));
  }

  @Test
  void theLiteralAgentOfTheApiDocsDecodesAsDatabindDecodesIt() throws Exception {
    byte[] json = io.agentd.client.api.WireTypesTestAccess.agentJson().getBytes();

    AgentView streamed = StreamDecoders.decode(json, StreamDecoders::agent);

    assertThat(streamed).isEqualTo(DATABIND.readValue(json, AgentView.class));
    assertThat(streamed.history()).hasSize(1);
    assertThat(streamed.metadata()).containsKey("phase");
  }

  @Test
  void nullAndEmptyAnswers() throws Exception {
    assertThat(StreamDecoders.decode("null".getBytes(), StreamDecoders::agent)).isNull();
    assertThat(StreamDecoders.decode("[]".getBytes(), StreamDecoders::agents)).isEmpty();
    assertThat(StreamDecoders.decode("{}".getBytes(), StreamDecoders::agent))
        .isEqualTo(DATABIND.readValue("{}", AgentView.class));
  }

  @Test
  void anErrorBodyDecodesAsDatabindDecodesIt() throws Exception {
    for (String body : List.of(
        "{\"error\": {\"code\": \"NOT_FOUND\", \"message\": \"no agent a1\", \"details\": {\"x\": [1]}}}",
        "{\"error\": null}", "{}", "{\"other\": 1, \"error\": {\"message\": \"m\"}}")) {
      assertThat(StreamDecoders.decode(body.getBytes(), StreamDecoders::errorBody))
          .as(body)
          .isEqualTo(DATABIND.readValue(body, ErrorBody.class));
    }
  }

  @Test
  void shapesItDoesNotTakeOnItselfAreLeftToDatabind() {
    for (String body : List.of(
        "{\"restarts\": \"3\"}",               // databind turns the string into a number
        "{\"restarts\": 1.0}",                 // and a whole float into an int
        "{\"name\": 5}",                       // and a number into a string
        "{\"spec\": {\"args\": [null]}}",      // a null inside a list
        "{\"spec\": {\"env\": {\"K\": 1}}}",   // a number as an env value
        "{\"metadata\": {\"k\": 1}}",            // a metadata entry that is not an object
        "{\"history\": [null]}",
        "[]",                                  // not an object
        "{\"name\": \"a\"} trailing",          // something after the answer
        "{\"restarts\": 3000000000}")) {       // out of an int's range
      assertThatThrownBy(() -> StreamDecoders.decode(body.getBytes(), StreamDecoders::agent))
          .as(body)
          .isInstanceOf(java.io.IOException.class);
    }
  }

  @Provide
  Arbitrary<List<AgentView>> agentLists() {
    return agents().list().ofMaxSize(5);
  }

  @Provide
  Arbitrary<AgentView> agents() {
    Arbitrary<String> text = Arbitraries.strings().all().ofMaxLength(12).injectNull(0.2);
    Arbitrary<String> key = Arbitraries.strings().withCharRange('a', 'e').ofMinLength(1).ofMaxLength(3);
    Arbitrary<Map<String, String>> strings = Arbitraries.maps(key, Arbitraries.strings().all().ofMaxLength(8))
        .ofMaxSize(4).injectNull(0.1);
    Arbitrary<Long> longs = Arbitraries.longs();
    Arbitrary<Integer> ints = Arbitraries.integers();
    Arbitrary<AgentSpecView> spec = Combinators.combine(text, Arbitraries.strings().ofMaxLength(6).list().ofMaxSize(3)
            .injectNull(0.1), strings, text, ints.injectNull(0.3), strings, strings,
        Arbitraries.of("always", "on-failure", "never").injectNull(0.2))
        .as(AgentSpecView::new).injectNull(0.1);
    Arbitrary<Map<String, MetadataEntryView>> metadata = Arbitraries.maps(key,
            Combinators.combine(text, longs).as(MetadataEntryView::new))
        .ofMaxSize(3).injectNull(0.1);
    Arbitrary<List<AssignmentView>> history = Combinators.combine(text, longs, ints, longs, text, text)
        .as(AssignmentView::new).list().ofMaxSize(3).injectNull(0.1);
    Arbitrary<HealthView> health = Combinators.combine(text, text, text).as(HealthView::new).injectNull(0.3);
    Arbitrary<Identity> identity = Combinators.combine(text, text, longs, spec, text, text, text,
        longs.injectNull(0.3)).as(Identity::new);
    Arbitrary<Progress> progress = Combinators.combine(text, ints.injectNull(0.3), ints, metadata, longs, longs,
        text, text).as(Progress::new);
    Arbitrary<Tail> tail = Combinators.combine(text, longs.injectNull(0.3), ints, history, health).as(Tail::new);
    return Combinators.combine(identity, progress, tail).as((i, p, t) -> new AgentView(i.namespace, i.name, i.id,
        i.spec, i.desiredState, i.state, i.worker, i.fencingToken, p.pendingReason, p.exitCode, p.restarts,
        p.metadata, p.createRevision, p.revision, p.createTime, p.updateTime, t.migrateTo, t.checkpointRevision,
        t.reschedules, t.history, t.health));
  }

  private record Identity(String namespace, String name, long id, AgentSpecView spec, String desiredState,
                          String state, String worker, Long fencingToken) {}

  private record Progress(String pendingReason, Integer exitCode, int restarts,
                          Map<String, MetadataEntryView> metadata, long createRevision, long revision,
                          String createTime, String updateTime) {}

  private record Tail(String migrateTo, Long checkpointRevision, int reschedules, List<AssignmentView> history,
                      HealthView health) {}

  private static final java.util.Set<String> MAPS = java.util.Set.of("env", "labels", "constraints", "metadata");

  /**
   * The same object as a server might send it: fields in another order, some left out, some
   * {@code null}, and unknown fields (nested ones too) added; the same at every level.
   */
  private static JsonNode reshape(JsonNode node, Random random) {
    return reshape(node, random, false);
  }

  /** A map's entries are shuffled, left out or {@code null}, but a map gets no unknown keys. */
  private static JsonNode reshape(JsonNode node, Random random, boolean map) {
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      node.forEach(element -> copy.add(reshape(element, random)));
      return copy;
    }
    if (!node.isObject()) {
      return node;
    }
    List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      boolean child = !map && MAPS.contains(field.getKey());
      fields.add(Map.entry(field.getKey(), reshape(field.getValue(), random, child)));
    }
    Collections.shuffle(fields, random);
    Map<String, JsonNode> shaped = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : fields) {
      int fate = random.nextInt(10);
      if (fate == 0) {
        continue; // left out
      }
      shaped.put(field.getKey(), fate == 1 ? JsonNodeFactory.instance.nullNode() : field.getValue());
    }
    if (!map && random.nextInt(3) == 0) {
      ObjectNode unknown = JsonNodeFactory.instance.objectNode();
      unknown.putArray("list").add(1).add("two").addObject().put("name", "not this one");
      unknown.put("restarts", "not a number");
      shaped.put("addedLater" + random.nextInt(3), random.nextBoolean() ? unknown : JsonNodeFactory.instance
          .textNode("x"));
    }
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    shaped.forEach(result::set);
    return result;
  }
}
