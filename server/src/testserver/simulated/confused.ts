import { APPS } from '../../world/index.ts';
import type { AgentView } from './context.ts';
import type { SimReply, SimRequest } from './request.ts';

/**
 * A task the simulated model cannot place (not a built-in one, or a prompt it does not recognise): it behaves as
 * a confused model would, with plausible code that fails — it lists the apps, guesses an API that does not exist,
 * then gives up with `status="fail"`. It never throws.
 */
export function confusedReply(req: SimRequest, view: AgentView, step: number): SimReply {
  const lastUser = [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const instruction = (/^Task:[ \t]*(.+)$/m.exec(view.first)?.[1] ?? lastUser).trim().slice(0, 200);
  const lower = instruction.toLowerCase();
  const app = [...APPS.keys()].find((name) => name !== 'api_docs' && lower.includes(name)) ?? 'notes';
  const quoted = /"([^"]{1,60})"/.exec(instruction)?.[1] ?? instruction.split(/\s+/).slice(0, 4).join(' ');
  const attempt = view.turns.length;
  let code: string;
  let say: string;
  if (attempt === 0) {
    say = 'Let me see which apps there are.';
    code = 'print(apis.api_docs.show_app_descriptions())';
  } else if (attempt < 3) {
    say = `I will look for what the task mentions in ${app}.`;
    code = `results = apis.${app}.find_items(query=${JSON.stringify(quoted)})\nprint(results)`;
  } else {
    say = 'I could not work out how to do this task.';
    code = 'apis.supervisor.complete_task(status="fail")';
  }
  const content = `${say}\n\`\`\`python\n${code}\n\`\`\``;
  if (!req.thinking) return { content };
  return {
    content,
    reasoning: `I am not sure what this task needs (step ${step}). ${instruction ? `It says: ${instruction}` : 'It says nothing I recognise.'}`,
  };
}
