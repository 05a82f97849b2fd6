import { mentions, merge, rowsAdded } from '../eval/expectations.ts';
import { pastTime } from '../seed/util.ts';
import { insert } from '../state.ts';
import { addDays } from '../time.ts';
import { emailsDelivered } from './expect.ts';
import { contactsOf, fullName, projectsOf, songById, todosOf } from './lookup.ts';
import { plantEmail } from './mail.ts';
import { collect, findContact, login, py, python } from './python.ts';
import { defineScenario, forVariant } from './scenario.ts';
import { findProject, plantTodo } from './todo.ts';

/** Several apps, aggregation and writes: gathering things in one app and sharing them through another. */

const genrePlaylist = defineScenario({
  name: 'genre_playlist_note',
  split: 'dev',
  difficulty: 3,
  apps: ['music', 'notes'],
  variants: 3,
  build: ({ state, rng }) => {
    const owner = state.meta.supervisor;
    const likedSongs = () =>
      state.tables.music_likes.filter((l) => l.owner === owner).map((l) => songById(state, l.song_id));
    const genre = rng.pick(likedSongs()).genre;
    const candidates = rng.shuffle(state.tables.music_songs.filter((s) => s.genre === genre));
    for (const song of candidates) {
      if (likedSongs().filter((s) => s.genre === genre).length >= 3) break;
      if (likedSongs().some((s) => s.id === song.id)) continue;
      insert(state, 'music_likes', { owner, song_id: song.id, liked_at: pastTime(rng, state.meta.now, 100) });
    }
    const songs = likedSongs().filter((s) => s.genre === genre);
    const others = likedSongs().filter((s) => s.genre !== genre && !songs.some((t) => t.title === s.title));
    const title = `${genre.replace(/\b\w/g, (c) => c.toUpperCase())} Favorites`;
    return {
      instruction: `Make a playlist called "${title}" with every song from my liked songs whose genre is ${genre}. Then save a note with the same title listing those song titles, one per line.`,
      solution: python`
        ${login('music', 'notes')}
        ${collect('liked', 'music', 'show_liked_songs', 'access_token=music_token')}
        chosen = [s for s in liked if apis.music.show_song(song_id=s["song_id"])["genre"] == ${py(genre)}]
        playlist_id = apis.music.create_playlist(access_token=music_token, title=${py(title)})["playlist_id"]
        for song in chosen:
            apis.music.add_song_to_playlist(access_token=music_token, playlist_id=playlist_id, song_id=song["song_id"])
        apis.notes.create_note(access_token=notes_token, title=${py(title)}, content="\n".join(s["title"] for s in chosen))
        apis.supervisor.complete_task()
      `,
      expect: merge(
        rowsAdded(
          'music_playlists',
          [{ owner, title, song_ids: songs.map((s) => s.id) }],
          'the playlist holds the songs',
        ),
        rowsAdded(
          'notes',
          [
            {
              owner,
              title,
              content: mentions(
                songs.map((s) => s.title),
                others.map((s) => s.title),
              ),
            },
          ],
          'the note lists the songs',
        ),
      ),
    };
  },
});

const todoSummary = defineScenario({
  name: 'todo_summary_email',
  split: 'test',
  difficulty: 3,
  apps: ['todo', 'phone', 'mail'],
  variants: 3,
  build: ({ state, rng, today }) => {
    const project = rng.pick(projectsOf(state));
    if (todosOf(state, project.id).filter((t) => !t.completed).length < 2) {
      plantTodo(state, rng, {
        project_id: project.id,
        title: 'Review the checklist',
        due_date: addDays(today, 4),
        priority: 2,
      });
      plantTodo(state, rng, {
        project_id: project.id,
        title: 'Order supplies',
        due_date: addDays(today, 9),
        priority: 1,
      });
    }
    const coworker = rng.pick(contactsOf(state).filter((c) => c.relationship !== 'family'));
    const todos = todosOf(state, project.id);
    const subject = `Open ${project.name} to-dos`;
    return {
      instruction: `Email ${fullName(coworker)} from my contacts a list of my open to-dos in the ${project.name} project, one title per line, with the subject "${subject}".`,
      solution: python`
        ${login('todo', 'phone', 'mail')}
        ${findProject(project.name)}
        ${collect('todos', 'todo', 'search_tasks', 'access_token=todo_token, project_id=project_id, completed=False')}
        ${findContact('contact', fullName(coworker))}
        body = "\n".join(t["title"] for t in todos)
        apis.mail.send_email(access_token=mail_token, recipients=[contact["email"]], subject=${py(subject)}, body=body)
        apis.supervisor.complete_task()
      `,
      expect: emailsDelivered(
        state.meta.supervisor,
        [coworker.email ?? ''],
        {
          subject,
          body: mentions(
            todos.filter((t) => !t.completed).map((t) => t.title),
            todos.filter((t) => t.completed).map((t) => t.title),
          ),
        },
        'the list was emailed',
      ),
    };
  },
});

const ACTIONS = [
  'Renew the parking permit',
  'Submit the expense claim',
  'Sign the new contract',
  'Update the team wiki',
];

const actionsToTodo = defineScenario({
  name: 'mail_actions_to_todo',
  split: 'test',
  difficulty: 3,
  apps: ['mail', 'todo'],
  variants: 3,
  build: ({ state, rng, today }) => {
    const sender = rng.pick(contactsOf(state));
    const actions = rng
      .sample(ACTIONS, rng.int(2, 3))
      .map((title) => ({ title, due_date: addDays(today, rng.int(2, 14)) }));
    for (const action of actions) {
      plantEmail(state, rng, {
        sender: sender.email ?? '',
        subject: `Action: ${action.title}`,
        body: `Hi, please have this done by ${action.due_date}. Thanks!`,
      });
    }
    plantEmail(state, rng, {
      sender: sender.email ?? '',
      subject: 'Re: Last week',
      body: 'No action needed from you on this one.',
    });
    const project = rng.pick(projectsOf(state));
    return {
      instruction: `For each email in my inbox whose subject starts with "Action:", add a to-do to my ${project.name} project, titled with the rest of the subject and due on the date the email asks for.`,
      solution: python`
        import re
        ${login('mail', 'todo')}
        ${findProject(project.name)}
        ${collect('emails', 'mail', 'show_inbox', 'access_token=mail_token, query="Action:"')}
        for item in emails:
            if not item["subject"].startswith("Action:"):
                continue
            body = apis.mail.show_email(access_token=mail_token, email_id=item["email_id"])["body"]
            due = re.search(r"\d{4}-\d{2}-\d{2}", body).group(0)
            title = item["subject"][len("Action:"):].strip()
            apis.todo.create_task(access_token=todo_token, title=title, project_id=project_id, due_date=due)
        apis.supervisor.complete_task()
      `,
      expect: rowsAdded(
        'todo_tasks',
        actions.map((a) => ({ ...a, project_id: project.id, completed: false })),
        'a to-do was added for each action email',
      ),
    };
  },
});

const topSongs = defineScenario({
  name: 'text_top_songs',
  split: 'test',
  difficulty: 3,
  apps: ['music', 'phone'],
  variants: 3,
  build: ({ state, rng, supervisor, variant }) => {
    const artist = rng.pick(state.tables.music_artists);
    const songs = state.tables.music_songs
      .filter((s) => s.artist_id === artist.id)
      .sort((a, b) => b.play_count - a.play_count);
    const top = songs.slice(0, 3);
    const rest = songs.slice(3).filter((s) => !top.some((t) => t.title.includes(s.title)));
    const relationship = forVariant(['friend', 'coworker', 'neighbor'], variant);
    const candidates = contactsOf(state).filter((c) => c.relationship === relationship);
    const friend = rng.pick(candidates.length > 0 ? candidates : contactsOf(state));
    return {
      instruction: `Text ${fullName(friend)} the titles of the three most played songs by ${artist.name} in the music catalog, separated by commas.`,
      solution: python`
        ${login('phone')}
        artists = apis.music.search_artists(query=${py(artist.name)}, page_limit=20)
        artist_id = [a for a in artists if a["name"] == ${py(artist.name)}][0]["artist_id"]
        songs = apis.music.search_songs(artist_id=artist_id, sort_by="-play_count", page_limit=3)
        ${findContact('contact', fullName(friend))}
        apis.phone.send_text_message(access_token=phone_token, phone_number=contact["phone_number"], message=", ".join(s["title"] for s in songs))
        apis.supervisor.complete_task()
      `,
      expect: rowsAdded(
        'phone_messages',
        [
          {
            sender: supervisor.phone_number,
            receiver: friend.phone_number,
            message: mentions(
              top.map((s) => s.title),
              rest.map((s) => s.title),
            ),
          },
        ],
        'the text names the three songs',
      ),
    };
  },
});

export const shareScenarios = [genrePlaylist, todoSummary, actionsToTodo, topSongs];
