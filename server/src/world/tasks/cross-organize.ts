import { mentions, merge, rowRemoved, rowsAdded } from '../eval/expectations.ts';
import { receiptText, STORES } from '../seed/files.ts';
import { addDays, longDate, monthName } from '../time.ts';
import { plantFile } from './files.ts';
import { contactsOf, fullName, notesOf, projectsOf, round2, todosOf } from './lookup.ts';
import { EXTRA_TITLES, plantNote } from './notes.ts';
import { collect, login, py, python } from './python.ts';
import { defineScenario, forVariant } from './scenario.ts';
import { findProject, plantTodo } from './todo.ts';

/** Several apps, aggregation and writes: moving information between notes, to-dos and files. */

const checklistToTodo = defineScenario({
  name: 'checklist_to_todo',
  split: 'dev',
  difficulty: 3,
  apps: ['notes', 'todo'],
  variants: 3,
  build: ({ state, rng, today, variant }) => {
    const note = notesOf(state).find((n) =>
      variant === 2 ? n.title.startsWith('Packing list') : n.title === 'Grocery list',
    );
    if (!note) throw new Error('the checklist note is missing');
    let lines = note.content.split('\n');
    // At least two items must be open, or there is little to do.
    if (lines.filter((line) => line.startsWith('- [ ] ')).length < 2) {
      lines = lines.map((line, i) => (i < 2 ? line.replace('- [x] ', '- [ ] ') : line));
      note.content = lines.join('\n');
    }
    const items = lines.filter((line) => line.startsWith('- [ ] ')).map((line) => line.slice(6));
    const project = rng.pick(projectsOf(state));
    const due = addDays(today, rng.int(1, 6));
    return {
      instruction: `Add each unchecked item on my "${note.title}" note as a to-do in my ${project.name} project, due on ${longDate(due)}. Use the item's text as the to-do title.`,
      solution: python`
        ${login('notes', 'todo')}
        found = apis.notes.search_notes(access_token=notes_token, query=${py(note.title)}, page_limit=20)
        note_id = [n for n in found if n["title"] == ${py(note.title)}][0]["note_id"]
        content = apis.notes.show_note(access_token=notes_token, note_id=note_id)["content"]
        items = [line[6:].strip() for line in content.splitlines() if line.startswith("- [ ] ")]
        ${findProject(project.name)}
        for item in items:
            apis.todo.create_task(access_token=todo_token, title=item, project_id=project_id, due_date=${py(due)})
        apis.supervisor.complete_task()
      `,
      expect: rowsAdded(
        'todo_tasks',
        items.map((title) => ({ title, project_id: project.id, due_date: due, completed: false })),
        'a to-do was added for each unchecked item',
      ),
    };
  },
});

const notesBackup = defineScenario({
  name: 'notes_backup_files',
  split: 'test',
  difficulty: 3,
  apps: ['notes', 'files'],
  variants: 3,
  build: ({ state, rng, variant }) => {
    const tag = forVariant(['recipe', 'work', 'health'], variant);
    for (const title of rng.sample(EXTRA_TITLES[tag] ?? [], rng.int(3, 5))) {
      plantNote(state, rng, {
        title,
        content: `Notes on ${title.toLowerCase()}, kept for later.`,
        tags: [tag],
      });
    }
    const notes = notesOf(state).filter((n) => n.tags.includes(tag));
    return {
      instruction: `Back up my notes tagged "${tag}": for each one, create a file /backup/${tag}/<note id>.txt (for example /backup/${tag}/12.txt) containing the note's content.`,
      solution: python`
        ${login('notes', 'files')}
        ${collect('notes', 'notes', 'search_notes', `access_token=notes_token, tag=${py(tag)}`)}
        for note in notes:
            content = apis.notes.show_note(access_token=notes_token, note_id=note["note_id"])["content"]
            apis.files.create_file(access_token=files_token, file_path=f"/backup/${tag}/{note['note_id']}.txt", content=content)
        apis.supervisor.complete_task()
      `,
      expect: rowsAdded(
        'files',
        notes.map((n) => ({ path: `/backup/${tag}/${n.id}.txt`, content: n.content })),
        'each note was backed up',
      ),
    };
  },
});

const receiptsTotal = defineScenario({
  name: 'receipts_total_note',
  split: 'test',
  difficulty: 3,
  apps: ['files', 'notes'],
  variants: 3,
  build: ({ state, rng, now }) => {
    const month = now.slice(0, 7);
    const totals: number[] = [];
    for (let i = 1; i <= rng.int(5, 8); i++) {
      const store = rng.pick(STORES);
      const total = rng.money(3, 95);
      totals.push(total);
      const day = `${month}-${String(Math.min(28, i * 3)).padStart(2, '0')}`;
      plantFile(state, rng, `/receipts/${month}/receipt_${i}.txt`, receiptText(store, day, total));
    }
    const sum = round2(totals.reduce((a, b) => a + b, 0));
    const title = `Receipts ${monthName(Number(month.slice(5)))} ${month.slice(0, 4)}`;
    return {
      instruction: `Add up the totals of all the receipts in my /receipts/${month} directory and save the sum in a new note titled "${title}" with the text "Total: $<sum>", the sum written with two decimals.`,
      solution: python`
        ${login('files', 'notes')}
        ${collect('entries', 'files', 'show_directory', `access_token=files_token, directory_path=${py(`/receipts/${month}`)}`)}
        total = 0
        for entry in entries:
            content = apis.files.show_file(access_token=files_token, file_path=entry["path"])["content"]
            for line in content.splitlines():
                if line.startswith("Total: $"):
                    total += float(line[len("Total: $"):])
        apis.notes.create_note(access_token=notes_token, title=${py(title)}, content=f"Total: ${'$'}{total:.2f}")
        apis.supervisor.complete_task()
      `,
      expect: rowsAdded(
        'notes',
        [{ title, content: mentions([`Total: $${sum.toFixed(2)}`]) }],
        'the note records the sum',
      ),
    };
  },
});

const DONE_TITLES = ['Send the invoice', 'Clean the fridge', 'Update the calendar', 'Recycle old batteries'];

const todoCleanup = defineScenario({
  name: 'todo_cleanup_note',
  split: 'test',
  difficulty: 3,
  apps: ['todo', 'notes'],
  variants: 3,
  build: ({ state, rng }) => {
    const project = rng.pick(projectsOf(state));
    for (const title of rng.sample(DONE_TITLES, rng.int(1, 2))) {
      plantTodo(state, rng, { project_id: project.id, title, due_date: null, priority: 1, completed: true });
    }
    const todos = todosOf(state, project.id);
    const done = todos.filter((t) => t.completed);
    const open = todos.filter((t) => !t.completed);
    const title = `Done: ${project.name}`;
    return {
      instruction: `Delete every completed to-do in my ${project.name} project, but keep a record first: a new note titled "${title}" listing their titles, one per line.`,
      solution: python`
        ${login('todo', 'notes')}
        ${findProject(project.name)}
        ${collect('done', 'todo', 'search_tasks', 'access_token=todo_token, project_id=project_id, completed=True')}
        apis.notes.create_note(access_token=notes_token, title=${py(title)}, content="\n".join(t["title"] for t in done))
        for todo in done:
            apis.todo.delete_task(access_token=todo_token, task_id=todo["task_id"])
        apis.supervisor.complete_task()
      `,
      expect: merge(
        ...done.map((t) => rowRemoved('todo_tasks', t.id, 'the completed to-do was deleted')),
        rowsAdded(
          'notes',
          [
            {
              title,
              content: mentions(
                done.map((t) => t.title),
                open.map((t) => t.title),
              ),
            },
          ],
          'the note lists the completed to-dos',
        ),
      ),
    };
  },
});

const familyCsv = defineScenario({
  name: 'family_contacts_file',
  split: 'dev',
  difficulty: 3,
  apps: ['phone', 'files'],
  variants: 3,
  build: ({ state, variant }) => {
    const path = forVariant(
      ['/documents/family.csv', '/documents/contacts/family.csv', '/family.csv'],
      variant,
    );
    const family = contactsOf(state).filter((c) => c.relationship === 'family');
    const others = contactsOf(state).filter((c) => c.relationship !== 'family');
    return {
      instruction: `Export my family contacts to a new file ${path}: a header line "name,phone", then one line per family member in the form "First Last,phone number".`,
      solution: python`
        ${login('phone', 'files')}
        ${collect('family', 'phone', 'search_contacts', 'access_token=phone_token, relationship="family"')}
        lines = ["name,phone"] + [c["first_name"] + " " + c["last_name"] + "," + c["phone_number"] for c in family]
        apis.files.create_file(access_token=files_token, file_path=${py(path)}, content="\n".join(lines))
        apis.supervisor.complete_task()
      `,
      expect: rowsAdded(
        'files',
        [
          {
            path,
            content: mentions(
              ['name,phone', ...family.map((c) => `${fullName(c)},${c.phone_number}`)],
              others.map(fullName),
            ),
          },
        ],
        'the file lists the family',
      ),
    };
  },
});

export const organizeScenarios = [checklistToTodo, notesBackup, receiptsTotal, todoCleanup, familyCsv];
