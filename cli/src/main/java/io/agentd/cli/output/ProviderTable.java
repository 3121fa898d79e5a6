package io.agentd.cli.output;

import io.agentd.client.api.ProviderView;
import java.util.List;
import java.util.stream.Collectors;

/** Providers with their fleet-wide limits; {@code wide} adds the shares, price and revisions. */
public final class ProviderTable {

  private ProviderTable() {}

  public static String render(List<ProviderView> providers, boolean wide) {
    Table table = wide
        ? new Table("NAME", "RPM", "TPM", "CONCURRENT", "GROUP", "PRIORITY", "SHARES", "USD/1K-TOKENS", "CREATED",
            "REVISION")
        : new Table("NAME", "RPM", "TPM", "CONCURRENT", "GROUP", "PRIORITY");
    for (ProviderView p : providers) {
      if (wide) {
        String shares = p.shares().isEmpty() ? null : p.shares().entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
        table.row(p.name(), p.requestsPerMinute(), p.tokensPerMinute(), p.maxConcurrent(), p.group(),
            p.group() == null ? null : p.priority(), shares,
            p.pricePer1kTokensUsd() == null ? null : p.pricePer1kTokensUsd().toPlainString(), p.createRevision(),
            p.revision());
      } else {
        table.row(p.name(), p.requestsPerMinute(), p.tokensPerMinute(), p.maxConcurrent(), p.group(),
            p.group() == null ? null : p.priority());
      }
    }
    return table.render();
  }
}
