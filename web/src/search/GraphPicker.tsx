import { useQuery } from '@tanstack/react-query';
import { type Graph, PRESET_IDS, type PresetId } from '@trellis/shared';
import { fetchGraphVersion, graphKeys, useGraphs, useGraphVersions, usePresets } from '../api/graphs.ts';
import type { GraphChoice } from './searchDraft.ts';

const SAVED_AT = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

const encode = (choice: GraphChoice | null) =>
  !choice ? '' : choice.kind === 'preset' ? `preset:${choice.preset}` : `graph:${choice.graphId}`;

/** The graph a choice names, with its name: a preset's at once, a saved version's once it has loaded. */
export function useChosenGraph(choice: GraphChoice | null): {
  graph: Graph | undefined;
  name: string | null;
} {
  const presets = usePresets();
  const versionId = choice?.kind === 'graph' ? choice.versionId : null;
  const version = useQuery({
    queryKey: graphKeys.version(versionId ?? ''),
    queryFn: () => fetchGraphVersion(versionId!),
    enabled: versionId !== null,
    staleTime: Number.POSITIVE_INFINITY,
  });
  if (choice?.kind === 'preset') {
    const preset = presets.data?.find((p) => p.id === choice.preset);
    return { graph: preset?.graph, name: preset?.name ?? null };
  }
  return { graph: version.data?.graph, name: version.data?.name ?? null };
}

/**
 * Which graph: a preset (saved as a version when the form is sent) or a saved graph, at its latest version or an
 * earlier one.
 */
export function GraphPicker({
  value,
  onChange,
  label = 'Graph',
}: {
  value: GraphChoice | null;
  onChange: (choice: GraphChoice | null) => void;
  label?: string;
}) {
  const graphs = useGraphs();
  const presets = usePresets();
  const graphId = value?.kind === 'graph' ? value.graphId : null;
  const versions = useGraphVersions(graphId);
  const presetName = (id: PresetId) => presets.data?.find((p) => p.id === id)?.name ?? id;
  const pick = (encoded: string) => {
    if (encoded === '') return onChange(null);
    const [kind, id] = [encoded.slice(0, encoded.indexOf(':')), encoded.slice(encoded.indexOf(':') + 1)];
    if (kind === 'preset') return onChange({ kind: 'preset', preset: id as PresetId });
    const graph = graphs.data?.find((g) => g.id === id);
    if (graph) onChange({ kind: 'graph', graphId: graph.id, versionId: graph.headVersionId });
  };
  return (
    <div className="graph-picker">
      <label className="field">
        <span className="field-label">{label}</span>
        <select aria-label={label} value={encode(value)} onChange={(event) => pick(event.target.value)}>
          <option value="">Choose a preset or a saved graph…</option>
          <optgroup label="Presets">
            {PRESET_IDS.map((id) => (
              <option key={id} value={`preset:${id}`}>
                {presetName(id)}
              </option>
            ))}
          </optgroup>
          {graphs.data && graphs.data.length > 0 ? (
            <optgroup label="Saved graphs">
              {graphs.data.map((g) => (
                <option key={g.id} value={`graph:${g.id}`}>
                  {g.name}
                </option>
              ))}
            </optgroup>
          ) : null}
        </select>
      </label>
      {value?.kind === 'graph' && (versions.data?.length ?? 0) > 1 ? (
        <label className="field">
          <span className="field-label">Version</span>
          <select
            aria-label="Graph version"
            value={value.versionId}
            onChange={(event) => onChange({ ...value, versionId: event.target.value })}
          >
            {versions.data!.map((version, i) => (
              <option key={version.id} value={version.id}>
                {i === 0 ? 'latest · ' : ''}
                {version.message || version.id.slice(0, 14)} · {SAVED_AT.format(new Date(version.createdAt))}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {value?.kind === 'preset' ? (
        <span className="field-hint graph-picker-hint">Saved as a graph version when the form is sent.</span>
      ) : null}
    </div>
  );
}
