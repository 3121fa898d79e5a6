package io.agentd.statemachine;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Example;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written name checks in {@link Names} accept exactly what their regular expressions accept. */
class NamesShapeProperties {
    private static final Object[][] SHAPES = {
            {Names.DNS_LABEL, Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")},
            {Names.WORKER_ID, Pattern.compile("[A-Za-z0-9._-]{1,128}")},
            {Names.LABEL_KEY, Pattern.compile("[A-Za-z0-9._/-]{1,63}")},
            {Names.LABEL_VALUE, Pattern.compile("[A-Za-z0-9._/-]{0,63}")},
            {Names.META_KEY, Pattern.compile("[A-Za-z0-9._/-]{1,128}")},
            {Names.ENV_KEY, Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}")},
            {Names.REQUEST_ID, Pattern.compile("[A-Za-z0-9._:-]{1,64}")},
    };

    @Property(tries = 3000)
    void shapesAgreeWithTheirRegexes(@ForAll("candidates") String s) {
        for (Object[] shape : SHAPES) {
            Names.Shape mine = (Names.Shape) shape[0];
            Pattern regex = (Pattern) shape[1];
            assertThat(mine.matches(s)).as("%s on '%s'", regex, s).isEqualTo(regex.matcher(s).matches());
        }
    }

    @Example
    void edges() {
        assertThat(Names.DNS_LABEL.matches("a")).isTrue();
        assertThat(Names.DNS_LABEL.matches("-")).isFalse();
        assertThat(Names.DNS_LABEL.matches("a-")).isFalse();
        assertThat(Names.DNS_LABEL.matches("a-b")).isTrue();
        assertThat(Names.DNS_LABEL.matches("a".repeat(63))).isTrue();
        assertThat(Names.DNS_LABEL.matches("a".repeat(64))).isFalse();
        assertThat(Names.ENV_KEY.matches("_")).isTrue();
        assertThat(Names.ENV_KEY.matches("1A")).isFalse();
        assertThat(Names.LABEL_VALUE.matches("")).isTrue();
        assertThat(Names.WORKER_ID.matches("")).isFalse();
        assertThat(Names.REQUEST_ID.matches("é")).isFalse();
    }

    @Provide
    Arbitrary<String> candidates() {
        // Mostly the characters the shapes care about, some that none allows, lengths around the bounds.
        Arbitrary<String> near = Arbitraries.strings().withChars("abz09AZ-_./:")
                .withChars('\u00e9', ' ', '\0', 'Z', '@').ofMinLength(0).ofMaxLength(3);
        Arbitrary<String> long_ = Arbitraries.strings().withChars("ab0-_./:").ofMinLength(60).ofMaxLength(130);
        return Arbitraries.oneOf(near, long_, Arbitraries.strings().ofMaxLength(8));
    }
}
