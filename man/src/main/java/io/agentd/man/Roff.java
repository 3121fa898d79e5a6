package io.agentd.man;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes a man(7) page: the macros agentd's pages use, with text escaped for roff and filled
 * into input lines of at most {@link #WIDTH} bytes, so {@code mandoc -T lint} has nothing to say.
 * Hyphens are written {@code \-}: in a UTF-8 terminal groff shows a bare one as a typographic
 * hyphen, and an option copied from the page would not work.
 */
final class Roff {
    /** mandoc's lint warns from 80 bytes on. */
    static final int WIDTH = 79;

    private final StringBuilder out = new StringBuilder();

    /** {@code .TH}: the page's title, section, date (YYYY-MM-DD), source and manual. */
    Roff(String title, int section, String date, String source, String manual) {
        if (!date.matches("\\d{4}-\\d{2}-\\d{2}")) {
            throw new IllegalArgumentException("a page's date is YYYY-MM-DD, not " + date);
        }
        out.append(".TH ").append(quote(title.toUpperCase(java.util.Locale.ROOT))).append(' ').append(section)
                .append(' ').append('"').append(date).append('"').append(' ').append(quote(source)).append(' ')
                .append(quote(manual)).append('\n');
    }

    /** A section heading ({@code .SH}). */
    Roff section(String title) {
        out.append(".SH ").append(quote(title.toUpperCase(java.util.Locale.ROOT))).append('\n');
        return this;
    }

    /** A subsection heading ({@code .SS}). */
    Roff subsection(String title) {
        out.append(".SS ").append(quote(title)).append('\n');
        return this;
    }

    /** A paragraph of filled text; nothing when {@code text} is blank. */
    Roff paragraph(String text) {
        if (text.isBlank()) {
            return this;
        }
        if (!atSectionStart()) {
            out.append(".PP\n");
        }
        fill(escape(text));
        return this;
    }

    /** A paragraph that starts with {@code bold} in bold, then {@code rest}. */
    Roff boldThen(String bold, String rest) {
        if (!atSectionStart()) {
            out.append(".PP\n");
        }
        fill("\\fB" + escape(bold) + "\\fR" + (rest.isEmpty() ? "" : " " + escape(rest)));
        return this;
    }

    /** A tagged paragraph ({@code .TP}): {@code term} in bold, {@code body} indented under it. */
    Roff tagged(String term, String body) {
        out.append(".TP\n");
        fill("\\fB" + escape(term) + "\\fR");
        fill(body.isBlank() ? "\\&" : escape(body));
        return this;
    }

    /** A tagged paragraph whose term is already roff (escaped and styled). */
    Roff taggedRoff(String termRoff, String body) {
        out.append(".TP\n");
        fill(termRoff);
        fill(body.isBlank() ? "\\&" : escape(body));
        return this;
    }

    /** Lines shown as they are, in a fixed-width font ({@code .EX}/{@code .EE}), indented. */
    Roff example(List<String> lines) {
        out.append(".PP\n.RS 4\n.EX\n");
        for (String line : lines) {
            String e = escape(line);
            if (e.length() > WIDTH) {
                throw new IllegalArgumentException("an example line is longer than " + WIDTH + " bytes: " + line);
            }
            out.append(e.isEmpty() ? "\\&" : e).append('\n');
        }
        out.append(".EE\n.RE\n");
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    /** Text for roff: backslashes and hyphens escaped, a leading dot or quote defused. */
    static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\e");
                case '-' -> b.append("\\-");
                case '\t' -> b.append(' ');
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** {@code text} (already roff) as input lines of at most {@link #WIDTH} bytes, broken at spaces. */
    private void fill(String text) {
        for (String paragraphLine : text.split("\n", -1)) {
            List<String> lines = wrap(paragraphLine.strip().replaceAll(" +", " "));
            for (String line : lines) {
                if (line.startsWith(".") || line.startsWith("'")) {
                    line = "\\&" + line;
                }
                out.append(line).append('\n');
            }
            if (lines.isEmpty()) {
                out.append(".br\n");
            }
        }
    }

    private static List<String> wrap(String text) {
        List<String> lines = new ArrayList<>();
        String rest = text;
        while (utf8Length(rest) > WIDTH) {
            int cut = -1;
            for (int i = rest.indexOf(' '); i > 0; i = rest.indexOf(' ', i + 1)) {
                if (utf8Length(rest.substring(0, i)) > WIDTH - 2) { // room for a leading "\&"
                    break;
                }
                cut = i;
            }
            if (cut <= 0) {
                cut = rest.indexOf(' ');
                if (cut <= 0) {
                    break; // one word longer than a line: leave it whole
                }
            }
            lines.add(rest.substring(0, cut));
            rest = rest.substring(cut + 1);
        }
        if (!rest.isEmpty()) {
            lines.add(rest);
        }
        return lines;
    }

    private static int utf8Length(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    private boolean atSectionStart() {
        String last = out.substring(out.lastIndexOf("\n", out.length() - 2) + 1);
        return last.startsWith(".SH ") || last.startsWith(".SS ");
    }

    private static String quote(String s) {
        return "\"" + escape(s).replace("\"", "\\(dq") + "\"";
    }
}
