package io.agentd.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentd.cli.output.ProviderTable;
import io.agentd.client.AgentdException;
import io.agentd.client.Api;
import io.agentd.client.ApiReply;
import io.agentd.client.api.ProviderSharesView;
import io.agentd.client.api.ProviderView;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code agentctl provider get}: one provider, its limits, and how the leader divides them among
 * the workers now (the leader's soft state, asked of the leader).
 */
@Command(name = "get", description = {"Show a provider, its limits, and each worker's grant, what its agents asked and"
    + " what they used.",
    "With -o json or yaml: {\"provider\": ..., \"grants\": ...} (grants null when the leader could not be asked)."})
final class ProviderGetCommand extends ApiCommand {

  @Parameters(paramLabel = "NAME", description = "Provider name.")
  String name;

  @Override
  protected ExitCode execute() {
    ApiReply<ProviderView> provider = client().send(Api.getProvider(name));
    ApiReply<ProviderSharesView> shares = null;
    try {
      shares = client().send(Api.providerShares(name));
    } catch (AgentdException e) {
      note("the workers' grants are not shown: " + e.getMessage());
    }
    if (output().format().structured()) {
      ObjectNode both = JsonNodeFactory.instance.objectNode();
      both.set("provider", provider.json());
      both.set("grants", shares == null ? JsonNodeFactory.instance.nullNode() : shares.json());
      output().document(both);
    } else {
      String text = ProviderTable.render(List.of(provider.value()), output().wide());
      if (shares != null) {
        text += "\n" + ProviderTable.renderShares(shares.value());
      }
      out().print(text);
    }
    return ExitCode.OK;
  }
}
