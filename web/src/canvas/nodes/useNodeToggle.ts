import type { GraphNode } from '@trellis/shared';
import { useCallback } from 'react';
import { useEditorStore } from '../store/EditorProvider.tsx';

/** Flips a boolean in a node's config from a control on the node itself. */
export function useNodeToggle() {
  const store = useEditorStore();
  return useCallback(
    <N extends GraphNode>(node: N, change: (config: N['config']) => N['config']) => {
      store.getState().updateNode({ ...node, config: change(node.config) } as GraphNode);
    },
    [store],
  );
}
