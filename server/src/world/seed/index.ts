import { Rng } from '../random.ts';
import { emptyLastIds, emptyTables, type WorldState } from '../state.ts';
import { addDays } from '../time.ts';
import { seedFiles } from './files.ts';
import { seedMail } from './mail.ts';
import { seedMusic } from './music.ts';
import { seedNotes } from './notes.ts';
import { seedPeople } from './people.ts';
import { seedPhone } from './phone.ts';
import { seedTodo } from './todo.ts';
import { seedWallet } from './wallet.ts';

/** A fresh world for `seed`: the same seed always gives the same people, passwords and items. */
export function seedState(seed: string): WorldState {
  const rng = new Rng(`world:${seed}`);
  const day = addDays('2024-01-15', rng.int(0, 640));
  const now = `${day}T${String(rng.int(8, 19)).padStart(2, '0')}:${rng.pick(['00', '15', '30', '45'])}:00`;
  const state: WorldState = {
    meta: {
      seed,
      now,
      supervisor: '',
      lastIds: emptyLastIds(),
      loginCount: 0,
      completion: { completed: false, answer: null, status: null },
    },
    sessions: [],
    tables: emptyTables(),
  };
  seedPeople(state, rng.fork('people'));
  seedPhone(state, rng.fork('phone'));
  seedNotes(state, rng.fork('notes'));
  seedTodo(state, rng.fork('todo'));
  seedMusic(state, rng.fork('music'));
  seedWallet(state, rng.fork('wallet'));
  seedMail(state, rng.fork('mail'));
  seedFiles(state, rng.fork('files'));
  return state;
}
