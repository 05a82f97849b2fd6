import { answerIs, merge, rowsAdded, rowUpdated } from '../eval/expectations.ts';
import type { Rng } from '../random.ts';
import { pastTime } from '../seed/util.ts';
import { type FileEntry, insert, type WorldState } from '../state.ts';
import { collect, login, py, python } from './python.ts';
import { defineScenario, forVariant } from './scenario.ts';

export function filesOf(state: WorldState): FileEntry[] {
  return state.tables.files.filter((file) => file.owner === state.meta.supervisor);
}

export function plantFile(state: WorldState, rng: Rng, path: string, content: string): FileEntry {
  const created = pastTime(rng, state.meta.now, 60);
  return insert(state, 'files', {
    owner: state.meta.supervisor,
    path,
    content,
    created_at: created,
    updated_at: created,
  });
}

const passport = defineScenario({
  name: 'files_passport',
  split: 'dev',
  difficulty: 1,
  apps: ['files'],
  variants: 3,
  build: ({ state, variant }) => {
    const file = filesOf(state).find((f) => f.path === '/documents/passport.txt');
    if (!file) throw new Error('the passport file is missing');
    const expiry = variant === 2;
    const label = expiry ? 'Expires' : 'Passport number';
    const value =
      file.content
        .split('\n')
        .find((line) => line.startsWith(label))
        ?.split(': ')[1] ?? '';
    return {
      instruction: expiry
        ? 'When does my passport expire? The details are in a file in my /documents directory. Answer as YYYY-MM-DD.'
        : 'What is my passport number? I keep it in a file in my /documents directory.',
      solution: python`
        ${login('files')}
        found = apis.files.search_files(access_token=files_token, name_query="passport", directory_path="/documents")
        content = apis.files.show_file(access_token=files_token, file_path=found[0]["path"])["content"]
        for line in content.splitlines():
            if line.startswith(${py(label)}):
                answer = line.split(": ", 1)[1]
        apis.supervisor.complete_task(answer=answer)
      `,
      expect: answerIs(value),
    };
  },
});

const NEW_FILES = [
  { path: '/documents/emergency.txt', content: 'Doctor: 5550100100. Vet: 5550100200.' },
  { path: '/work/ideas.txt', content: 'Automate the weekly report.' },
  { path: '/documents/guest_wifi.txt', content: 'Guest network: Visitors. Password: welcome-in.' },
];

const createFile = defineScenario({
  name: 'files_create',
  split: 'test',
  difficulty: 1,
  apps: ['files'],
  variants: 3,
  build: ({ state, variant }) => {
    const file = forVariant(NEW_FILES, variant);
    return {
      instruction: `Create a file at ${file.path} containing exactly: ${file.content}`,
      solution: python`
        ${login('files')}
        apis.files.create_file(access_token=files_token, file_path=${py(file.path)}, content=${py(file.content)})
        apis.supervisor.complete_task()
      `,
      expect: rowsAdded('files', [{ owner: state.meta.supervisor, ...file }], 'the file was created'),
    };
  },
});

const rename = defineScenario({
  name: 'files_rename',
  split: 'test',
  difficulty: 1,
  apps: ['files'],
  variants: 3,
  build: ({ state, rng, variant }) => {
    const file = rng.pick(
      filesOf(state).filter((f) => f.path.startsWith('/documents/') || f.path.startsWith('/work/')),
    );
    const dir = file.path.slice(0, file.path.lastIndexOf('/'));
    const extension = file.path.slice(file.path.lastIndexOf('.'));
    const name = `${forVariant(['old', 'backup', 'final'], variant)}_${file.path.slice(dir.length + 1, -extension.length)}${extension}`;
    const target = `${dir}/${name}`;
    return {
      instruction: `Rename my file ${file.path} to ${name}, keeping it in the same directory.`,
      solution: python`
        ${login('files')}
        apis.files.move_file(access_token=files_token, source_path=${py(file.path)}, destination_path=${py(target)})
        apis.supervisor.complete_task()
      `,
      expect: rowUpdated('files', file.id, { path: target }, 'the file was renamed'),
    };
  },
});

const countPhotos = defineScenario({
  name: 'files_count_photos',
  split: 'dev',
  difficulty: 2,
  apps: ['files'],
  variants: 3,
  build: ({ state, rng }) => {
    const target = rng.int(8, 13);
    let index = filesOf(state).filter((f) => f.path.startsWith('/photos/')).length;
    while (index < target) {
      index++;
      plantFile(state, rng, `/photos/img_${1000 + index * 7}.jpg`, `[image ${rng.int(1000, 9999)}]`);
    }
    return {
      instruction: 'How many files are in my /photos directory?',
      solution: python`
        ${login('files')}
        ${collect('entries', 'files', 'show_directory', 'access_token=files_token, directory_path="/photos"')}
        apis.supervisor.complete_task(answer=len([e for e in entries if not e["is_directory"]]))
      `,
      expect: answerIs(target),
    };
  },
});

const archiveReports = defineScenario({
  name: 'files_archive_reports',
  split: 'test',
  difficulty: 2,
  apps: ['files'],
  variants: 3,
  build: ({ state, rng }) => {
    for (const name of rng.sample(
      ['q3.md', 'q4.md', 'annual.md', 'budget.md', 'hiring.md', 'roadmap.md'],
      rng.int(4, 6),
    )) {
      plantFile(state, rng, `/work/reports/${name}`, `# ${name.slice(0, -3)}\n\nSummary to follow.`);
    }
    const reports = filesOf(state).filter((f) => f.path.startsWith('/work/reports/'));
    return {
      instruction:
        'Move every file in my /work/reports directory into /archive/reports, keeping the file names.',
      solution: python`
        ${login('files')}
        ${collect('entries', 'files', 'show_directory', 'access_token=files_token, directory_path="/work/reports"')}
        for entry in entries:
            name = entry["path"].split("/")[-1]
            apis.files.move_file(access_token=files_token, source_path=entry["path"], destination_path="/archive/reports/" + name)
        apis.supervisor.complete_task()
      `,
      expect: merge(
        ...reports.map((f) =>
          rowUpdated(
            'files',
            f.id,
            { path: f.path.replace('/work/reports/', '/archive/reports/') },
            'the report was moved',
          ),
        ),
      ),
    };
  },
});

export const filesScenarios = [passport, createFile, rename, countPhotos, archiveReports];
