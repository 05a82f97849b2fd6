import type { WorldTask } from '@trellis/shared';
import { listTasks } from '../../world/index.ts';
import { getTask } from '../../world/tasks/registry.ts';

let byInstruction: Map<string, string[]> | null = null;

function index(): Map<string, string[]> {
  if (byInstruction) return byInstruction;
  const map = new Map<string, string[]>();
  for (const task of listTasks()) map.set(task.instruction, [...(map.get(task.instruction) ?? []), task.id]);
  byInstruction = map;
  return map;
}

/**
 * Which built-in task a prompt is about: the instruction after `Task:` (or anywhere in the text), and among
 * tasks that share an instruction, the one whose supervisor the prompt names. Null for a task it does not know.
 */
export function placeTask(text: string): WorldTask | null {
  const tasks = index();
  const stated = /^Task:[ \t]*(.+)$/m.exec(text)?.[1]?.trim();
  let ids = stated ? tasks.get(stated) : undefined;
  if (!ids) {
    // A prompt written differently may still quote the instruction; the longest match is the likeliest.
    const found = [...tasks.keys()].filter((instruction) => text.includes(instruction));
    found.sort((a, b) => b.length - a.length);
    ids = found[0] ? tasks.get(found[0]) : undefined;
  }
  if (!ids || ids.length === 0) return null;
  const candidates = ids.map((id) => getTask(id)).filter((t): t is WorldTask => t !== undefined);
  return candidates.find((t) => text.includes(t.supervisor.email)) ?? candidates[0] ?? null;
}
