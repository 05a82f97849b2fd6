import { callsModel, type Graph } from '@trellis/shared';
import { useEndpoints } from '../../api/endpoints.ts';
import { EndpointSelect } from '../../inspector/EndpointSelect.tsx';
import { ModelSelect } from '../../inspector/ModelSelect.tsx';
import type { BindingChoice, ChangeDraft } from './changeDraft.ts';

const NONE: BindingChoice = { endpointId: null, model: null };

function BindingRow({
  title,
  detail,
  value,
  fallbackEndpoint,
  onChange,
}: {
  title: string;
  detail: string;
  value: BindingChoice;
  /** The endpoint whose models are offered while none is chosen. */
  fallbackEndpoint: string | null;
  onChange: (value: BindingChoice) => void;
}) {
  return (
    <fieldset className="binding-row" aria-label={title}>
      <div className="binding-row-name">
        <strong>{title}</strong>
        <span className="muted small">{detail}</span>
      </div>
      <EndpointSelect
        value={value.endpointId}
        emptyLabel="As recorded"
        onChange={(endpointId) => onChange({ endpointId, model: null })}
      />
      <ModelSelect
        endpointId={value.endpointId ?? fallbackEndpoint}
        value={value.model}
        defaultLabel={value.endpointId ? "The endpoint's default" : 'As recorded'}
        onChange={(model) => onChange({ ...value, model })}
      />
    </fieldset>
  );
}

/** Any LLM node's endpoint and model, and the run's default for nodes that bind none. */
export function BindingsPanel({
  base,
  draft,
  onDraft,
}: {
  base: Graph;
  draft: ChangeDraft;
  onDraft: (draft: ChangeDraft) => void;
}) {
  const endpoints = useEndpoints().data ?? [];
  const nameOf = (id: string | null) => (id ? (endpoints.find((e) => e.id === id)?.name ?? id) : null);
  const nodes = base.nodes.filter(callsModel);
  return (
    <div className="bindings-panel">
      <p className="muted small">
        Send a node's requests to another endpoint or model from the first live step on. Nodes left as
        recorded keep the run's.
      </p>
      <BindingRow
        title="Run default"
        detail="for nodes that bind no endpoint"
        value={draft.runDefault}
        fallbackEndpoint={base.defaults.endpointId}
        onChange={(runDefault) => onDraft({ ...draft, runDefault })}
      />
      {nodes.map((node) => {
        const own = callsModel(node) ? node.config.llm : null;
        const detail = own?.endpointId
          ? `binds ${nameOf(own.endpointId)}${own.model ? ` · ${own.model}` : ''}`
          : 'uses the run default';
        return (
          <BindingRow
            key={node.id}
            title={node.id}
            detail={detail}
            value={draft.overrides[node.id] ?? NONE}
            fallbackEndpoint={own?.endpointId ?? base.defaults.endpointId}
            onChange={(binding) =>
              onDraft({ ...draft, overrides: { ...draft.overrides, [node.id]: binding } })
            }
          />
        );
      })}
    </div>
  );
}
