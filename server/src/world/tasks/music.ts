import { answerIs, rowsAdded } from '../eval/expectations.ts';
import { pastTime } from '../seed/util.ts';
import { insert, type Song } from '../state.ts';
import { artistName, pickSong } from './lookup.ts';
import { collect, login, py, python } from './python.ts';
import { defineScenario, forVariant } from './scenario.ts';

/** Python that sets `<target>` to the catalog song with this title by this artist. */
export function findSong(target: string, title: string, artist: string): string {
  return python`
    ${collect('found', 'music', 'search_songs', `query=${py(title)}`)}
    ${target} = [s for s in found if s["title"] == ${py(title)} and s["artist_name"] == ${py(artist)}][0]
  `;
}

const like = defineScenario({
  name: 'music_like_song',
  split: 'dev',
  difficulty: 1,
  apps: ['music'],
  variants: 3,
  build: ({ state, rng }) => {
    const liked = new Set(state.tables.music_likes.map((l) => l.song_id));
    const song = pickSong(state, rng, (s) => !liked.has(s.id));
    // Another artist gets a song with the same title, so the artist has to be checked.
    const twin = rng.pick(
      state.tables.music_songs.filter(
        (s) =>
          s.artist_id !== song.artist_id &&
          !state.tables.music_songs.some((t) => t.artist_id === s.artist_id && t.title === song.title),
      ),
    );
    twin.title = song.title;
    const artist = artistName(state, song.artist_id);
    return {
      instruction: `Add the song "${song.title}" by ${artist} to my liked songs.`,
      solution: python`
        ${login('music')}
        ${findSong('song', song.title, artist)}
        apis.music.like_song(access_token=music_token, song_id=song["song_id"])
        apis.supervisor.complete_task()
      `,
      expect: rowsAdded(
        'music_likes',
        [{ owner: state.meta.supervisor, song_id: song.id }],
        'the song was liked',
      ),
    };
  },
});

const albumYear = defineScenario({
  name: 'music_album_year',
  split: 'test',
  difficulty: 1,
  apps: ['music'],
  variants: 3,
  build: ({ state, rng }) => {
    const album = rng.pick(state.tables.music_albums);
    const artist = artistName(state, album.artist_id);
    return {
      instruction: `In what year did ${artist} release the album "${album.title}"?`,
      solution: python`
        found = apis.music.search_albums(query=${py(album.title)}, page_limit=20)
        album = [a for a in found if a["title"] == ${py(album.title)} and a["artist_name"] == ${py(artist)}][0]
        apis.supervisor.complete_task(answer=int(album["release_date"][:4]))
      `,
      expect: answerIs(Number(album.release_date.slice(0, 4))),
    };
  },
});

const newPlaylist = defineScenario({
  name: 'music_new_playlist',
  split: 'test',
  difficulty: 1,
  apps: ['music'],
  variants: 3,
  build: ({ state, rng, variant }) => {
    const title = forVariant(['Weekend Mix', 'Kitchen Dance', 'Study Beats'], variant);
    const [first, second] = rng.sample(state.tables.music_songs, 2) as [Song, Song];
    const a1 = artistName(state, first.artist_id);
    const a2 = artistName(state, second.artist_id);
    return {
      instruction: `Create a private playlist called "${title}" with two songs in it: "${first.title}" by ${a1} and "${second.title}" by ${a2}.`,
      solution: python`
        ${login('music')}
        playlist_id = apis.music.create_playlist(access_token=music_token, title=${py(title)}, is_public=False)["playlist_id"]
        ${findSong('first', first.title, a1)}
        ${findSong('second', second.title, a2)}
        for song in [first, second]:
            apis.music.add_song_to_playlist(access_token=music_token, playlist_id=playlist_id, song_id=song["song_id"])
        apis.supervisor.complete_task()
      `,
      expect: rowsAdded(
        'music_playlists',
        [{ owner: state.meta.supervisor, title, is_public: false, song_ids: [first.id, second.id] }],
        'the playlist was created with both songs',
      ),
    };
  },
});

const likedByArtist = defineScenario({
  name: 'music_liked_by_artist',
  split: 'dev',
  difficulty: 2,
  apps: ['music'],
  variants: 3,
  build: ({ state, rng }) => {
    const artist = rng.pick(state.tables.music_artists);
    const liked = () =>
      state.tables.music_likes.filter((l) =>
        state.tables.music_songs.some((s) => s.id === l.song_id && s.artist_id === artist.id),
      );
    const candidates = rng.shuffle(state.tables.music_songs.filter((s) => s.artist_id === artist.id));
    const target = rng.int(2, 4);
    for (const song of candidates) {
      if (liked().length >= target) break;
      if (liked().some((l) => l.song_id === song.id)) continue;
      insert(state, 'music_likes', {
        owner: state.meta.supervisor,
        song_id: song.id,
        liked_at: pastTime(rng, state.meta.now, 300),
      });
    }
    return {
      instruction: `How many songs by ${artist.name} are in my liked songs?`,
      solution: python`
        ${login('music')}
        ${collect('liked', 'music', 'show_liked_songs', 'access_token=music_token')}
        apis.supervisor.complete_task(answer=len([s for s in liked if s["artist_name"] == ${py(artist.name)}]))
      `,
      expect: answerIs(liked().length),
    };
  },
});

const playlistMinutes = defineScenario({
  name: 'music_playlist_minutes',
  split: 'test',
  difficulty: 2,
  apps: ['music'],
  variants: 3,
  build: ({ state, rng }) => {
    const playlist = rng.pick(state.tables.music_playlists.filter((p) => p.owner === state.meta.supervisor));
    const seconds = playlist.song_ids.reduce(
      (sum, id) => sum + (state.tables.music_songs.find((s) => s.id === id)?.duration_seconds ?? 0),
      0,
    );
    return {
      instruction: `How long is my "${playlist.title}" playlist in total, in minutes? Round down to a whole number.`,
      solution: python`
        ${login('music')}
        ${collect('playlists', 'music', 'show_playlists', 'access_token=music_token')}
        playlist_id = [p for p in playlists if p["title"] == ${py(playlist.title)}][0]["playlist_id"]
        playlist = apis.music.show_playlist(access_token=music_token, playlist_id=playlist_id)
        seconds = sum(apis.music.show_song(song_id=song_id)["duration_seconds"] for song_id in playlist["song_ids"])
        apis.supervisor.complete_task(answer=seconds // 60)
      `,
      expect: answerIs(Math.floor(seconds / 60)),
    };
  },
});

const mostPlayed = defineScenario({
  name: 'music_most_played',
  split: 'test',
  difficulty: 2,
  apps: ['music'],
  variants: 3,
  build: ({ state, rng }) => {
    const plays = state.tables.music_plays.filter((p) => p.owner === state.meta.supervisor);
    const counts = new Map<number, number>();
    for (const play of plays) counts.set(play.song_id, (counts.get(play.song_id) ?? 0) + 1);
    const top = Math.max(...counts.values());
    const song = pickSong(state, rng);
    for (let i = counts.get(song.id) ?? 0; i < top + 2; i++) {
      insert(state, 'music_plays', {
        owner: state.meta.supervisor,
        song_id: song.id,
        played_at: pastTime(rng, state.meta.now, 14),
      });
    }
    return {
      instruction:
        'Which song have I played the most times, going by my play history? Answer with its title.',
      solution: python`
        ${login('music')}
        ${collect('plays', 'music', 'show_play_history', 'access_token=music_token')}
        counts = {}
        for play in plays:
            counts[play["song_id"]] = counts.get(play["song_id"], 0) + 1
        best = max(counts, key=counts.get)
        apis.supervisor.complete_task(answer=[p for p in plays if p["song_id"] == best][0]["title"])
      `,
      expect: answerIs(song.title),
    };
  },
});

export const musicScenarios = [like, albumYear, newPlaylist, likedByArtist, playlistMinutes, mostPlayed];
