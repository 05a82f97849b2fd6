import { NODE_KIND_ORDER, NODE_KINDS, NodeKind } from '@trellis/shared';
import type { DragEvent } from 'react';
import { kindStyle } from '../kindStyle.ts';

const MIME = 'application/x-trellis-node-kind';

export function readDraggedKind(transfer: DataTransfer): NodeKind | null {
  const parsed = NodeKind.safeParse(transfer.getData(MIME));
  return parsed.success ? parsed.data : null;
}

/** The node kinds, dragged onto the canvas to add them (or clicked, to add at the centre of the view). */
export function Palette({ onAdd }: { onAdd: (kind: NodeKind) => void }) {
  const onDragStart = (event: DragEvent, kind: NodeKind) => {
    event.dataTransfer.setData(MIME, kind);
    event.dataTransfer.effectAllowed = 'copy';
  };
  return (
    <section className="palette" aria-label="Node palette">
      <h3>Add a node</h3>
      <ul>
        {NODE_KIND_ORDER.map((kind) => (
          <li key={kind}>
            <button
              type="button"
              draggable
              className="palette-item"
              style={kindStyle(kind)}
              onDragStart={(event) => onDragStart(event, kind)}
              onClick={() => onAdd(kind)}
              title={`${NODE_KINDS[kind].description}. Drag onto the canvas, or click to add.`}
              data-testid={`palette-${kind}`}
            >
              <span className="palette-glyph" aria-hidden="true">
                {NODE_KINDS[kind].presentation.glyph}
              </span>
              <span className="palette-text">
                <strong>{NODE_KINDS[kind].label}</strong>
                <span>{NODE_KINDS[kind].description}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
