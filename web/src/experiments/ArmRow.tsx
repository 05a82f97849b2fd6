import { PRESET_IDS, type PresetId } from '@trellis/shared';
import { useGraphs, useGraphVersions, usePresets } from '../api/graphs.ts';
import { decodeChoice, type EndpointOption, encodeChoice } from '../canvas/run/runEndpoint.ts';
import { armColor } from './armColors.ts';
import type { ArmDraft, ArmSource } from './experimentDraft.ts';

const SAVED_AT = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

function encodeSource(source: ArmSource | null): string {
  if (!source) return '';
  return source.kind === 'preset' ? `preset:${source.preset}` : `graph:${source.graphId}`;
}

/** One arm of the form: what it runs, its label, the endpoint and model for the whole graph, and whether it is the baseline. */
export function ArmRow({
  index,
  arm,
  baseline,
  optionsFor,
  onChange,
  onBaseline,
  onRemove,
}: {
  index: number;
  arm: ArmDraft;
  baseline: boolean;
  /** The endpoint choices, keeping this arm's own choice listed even when it is no longer offered. */
  optionsFor: (chosen: Pick<ArmDraft, 'endpointId' | 'model'>) => EndpointOption[];
  onChange: (arm: ArmDraft) => void;
  onBaseline: () => void;
  onRemove: (() => void) | undefined;
}) {
  const graphs = useGraphs();
  const presets = usePresets();
  const graphId = arm.source?.kind === 'graph' ? arm.source.graphId : null;
  const versions = useGraphVersions(graphId);
  const presetName = (id: PresetId) => presets.data?.find((p) => p.id === id)?.name ?? id;
  const defaultLabel =
    arm.source?.kind === 'preset'
      ? presetName(arm.source.preset)
      : arm.source?.kind === 'graph'
        ? (graphs.data?.find((g) => g.id === graphId)?.name ?? 'the graph’s name')
        : 'the graph’s name';
  const n = index + 1;
  const pickSource = (value: string) => {
    if (value === '') return onChange({ ...arm, source: null });
    const [kind, id] = [value.slice(0, value.indexOf(':')), value.slice(value.indexOf(':') + 1)];
    if (kind === 'preset') return onChange({ ...arm, source: { kind: 'preset', preset: id as PresetId } });
    const graph = graphs.data?.find((g) => g.id === id);
    if (graph)
      onChange({ ...arm, source: { kind: 'graph', graphId: graph.id, versionId: graph.headVersionId } });
  };
  const endpointValue = arm.endpointId === null ? '' : encodeChoice(arm.endpointId, arm.model);
  return (
    <fieldset className="arm-row" aria-label={`Arm ${n}`}>
      <label className="arm-baseline" title="The arm the others are compared with">
        <input
          type="radio"
          name="baseline-arm"
          checked={baseline}
          onChange={onBaseline}
          aria-label={`Arm ${n} is the baseline`}
        />
        <span className="arm-swatch" style={{ background: armColor(index) }} aria-hidden="true" />
        <span className="arm-number">{n}</span>
      </label>
      <div className="arm-source">
        <select
          aria-label={`Arm ${n} scaffold`}
          value={encodeSource(arm.source)}
          onChange={(event) => pickSource(event.target.value)}
        >
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
        {arm.source?.kind === 'graph' && (versions.data?.length ?? 0) > 1 ? (
          <select
            aria-label={`Arm ${n} version`}
            className="arm-version"
            value={arm.source.versionId}
            onChange={(event) =>
              arm.source?.kind === 'graph' &&
              onChange({ ...arm, source: { ...arm.source, versionId: event.target.value } })
            }
          >
            {versions.data!.map((version, i) => (
              <option key={version.id} value={version.id}>
                {i === 0 ? 'latest · ' : ''}
                {version.message || version.id.slice(0, 14)} · {SAVED_AT.format(new Date(version.createdAt))}
              </option>
            ))}
          </select>
        ) : null}
      </div>
      <input
        aria-label={`Arm ${n} label`}
        placeholder={defaultLabel}
        maxLength={60}
        value={arm.label}
        onChange={(event) => onChange({ ...arm, label: event.target.value })}
      />
      <select
        aria-label={`Arm ${n} endpoint`}
        value={endpointValue}
        onChange={(event) => onChange({ ...arm, ...decodeChoice(event.target.value) })}
      >
        <option value="">as the graph binds</option>
        {optionsFor(arm).map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {onRemove ? (
        <button
          type="button"
          className="ghost small arm-remove"
          aria-label={`Remove arm ${n}`}
          onClick={onRemove}
        >
          ✕
        </button>
      ) : (
        <span />
      )}
    </fieldset>
  );
}
