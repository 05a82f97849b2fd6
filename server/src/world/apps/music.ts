import { loginApi, logoutApi } from '../api/auth.ts';
import { defineApi, defineApp } from '../api/define.ts';
import { findOwned, notFound, unprocessable } from '../api/failure.ts';
import { pageParams, paginate } from '../api/pagination.ts';
import { nullable, optional, param } from '../api/params.ts';
import { includesText, sortBy, sortOptions } from '../api/sort.ts';
import { insert, type Playlist, type Song, type WorldState } from '../state.ts';

const songId = param.integer('Id of the song.', { min: 1 });
const playlistId = param.integer('Id of the playlist.', { min: 1 });

function artistName(state: WorldState, artistId: number): string {
  return state.tables.music_artists.find((artist) => artist.id === artistId)?.name ?? '';
}

function findSong(state: WorldState, id: number): Song {
  const song = state.tables.music_songs.find((row) => row.id === id);
  if (!song) throw notFound('song', id);
  return song;
}

const SONG_SUMMARY = {
  song_id: 'integer',
  title: 'string',
  artist_id: 'integer',
  artist_name: 'string',
  album_id: 'integer',
  genre: 'string',
  duration_seconds: 'integer',
} as const;

function songSummary(state: WorldState, song: Song) {
  return {
    song_id: song.id,
    title: song.title,
    artist_id: song.artist_id,
    artist_name: artistName(state, song.artist_id),
    album_id: song.album_id,
    genre: song.genre,
    duration_seconds: song.duration_seconds,
  };
}

const searchSongs = defineApi({
  name: 'search_songs',
  description: 'Search the song catalog by title, artist, album or genre. Needs no login. Paginated.',
  requiresAuth: false,
  params: {
    query: optional(param.string('Text to look for in the song title; empty matches all.'), ''),
    artist_id: nullable(param.integer('Only songs by this artist.', { min: 1 })),
    album_id: nullable(param.integer('Only songs on this album.', { min: 1 })),
    genre: nullable(param.string('Only songs of this genre.')),
    sort_by: optional(
      param.choice(
        'Order of the results; "-" means descending.',
        sortOptions(['title', 'play_count', 'duration_seconds', 'release_date']),
      ),
      '-play_count',
    ),
    ...pageParams,
  },
  response: [SONG_SUMMARY],
  handler: ({ state }, args) => {
    const matches = state.tables.music_songs.filter(
      (song) =>
        includesText(song.title, args.query) &&
        (args.artist_id === null || song.artist_id === args.artist_id) &&
        (args.album_id === null || song.album_id === args.album_id) &&
        (args.genre === null || song.genre === args.genre.toLowerCase()),
    );
    const sorted = sortBy(matches, args.sort_by, (song, field) =>
      field === 'title'
        ? song.title
        : field === 'release_date'
          ? song.release_date
          : song[field as 'play_count'],
    );
    return paginate(sorted, args).map((song) => songSummary(state, song));
  },
});

const showSong = defineApi({
  name: 'show_song',
  description: 'Show one song in full. Needs no login.',
  requiresAuth: false,
  params: { song_id: songId },
  response: { ...SONG_SUMMARY, album_title: 'string', release_date: 'string', play_count: 'integer' },
  handler: ({ state }, { song_id }) => {
    const song = findSong(state, song_id);
    const album = state.tables.music_albums.find((row) => row.id === song.album_id);
    return {
      ...songSummary(state, song),
      album_title: album?.title ?? '',
      release_date: song.release_date,
      play_count: song.play_count,
    };
  },
});

const ARTIST = { artist_id: 'integer', name: 'string', genre: 'string', follower_count: 'integer' } as const;

const searchArtists = defineApi({
  name: 'search_artists',
  description: 'Search artists by name or genre. Needs no login. Paginated.',
  requiresAuth: false,
  params: {
    query: optional(param.string('Text to look for in the name; empty matches all.'), ''),
    genre: nullable(param.string('Only artists of this genre.')),
    ...pageParams,
  },
  response: [ARTIST],
  handler: ({ state }, args) =>
    paginate(
      state.tables.music_artists.filter(
        (artist) =>
          includesText(artist.name, args.query) &&
          (args.genre === null || artist.genre === args.genre.toLowerCase()),
      ),
      args,
    ).map((artist) => ({
      artist_id: artist.id,
      name: artist.name,
      genre: artist.genre,
      follower_count: artist.follower_count,
    })),
});

const showArtist = defineApi({
  name: 'show_artist',
  description: 'Show one artist with the ids of their albums. Needs no login.',
  requiresAuth: false,
  params: { artist_id: param.integer('Id of the artist.', { min: 1 }) },
  response: { ...ARTIST, album_ids: ['integer'] },
  handler: ({ state }, { artist_id }) => {
    const artist = state.tables.music_artists.find((row) => row.id === artist_id);
    if (!artist) throw notFound('artist', artist_id);
    const albumIds = state.tables.music_albums
      .filter((album) => album.artist_id === artist.id)
      .map((album) => album.id);
    return {
      artist_id: artist.id,
      name: artist.name,
      genre: artist.genre,
      follower_count: artist.follower_count,
      album_ids: albumIds,
    };
  },
});

const ALBUM = {
  album_id: 'integer',
  title: 'string',
  artist_id: 'integer',
  artist_name: 'string',
  genre: 'string',
  release_date: 'string',
} as const;

const searchAlbums = defineApi({
  name: 'search_albums',
  description: 'Search albums by title or artist. Needs no login. Paginated.',
  requiresAuth: false,
  params: {
    query: optional(param.string('Text to look for in the title; empty matches all.'), ''),
    artist_id: nullable(param.integer('Only albums by this artist.', { min: 1 })),
    ...pageParams,
  },
  response: [ALBUM],
  handler: ({ state }, args) =>
    paginate(
      state.tables.music_albums.filter(
        (album) =>
          includesText(album.title, args.query) &&
          (args.artist_id === null || album.artist_id === args.artist_id),
      ),
      args,
    ).map((album) => ({
      album_id: album.id,
      title: album.title,
      artist_id: album.artist_id,
      artist_name: artistName(state, album.artist_id),
      genre: album.genre,
      release_date: album.release_date,
    })),
});

const showAlbum = defineApi({
  name: 'show_album',
  description: 'Show one album with the ids of its songs in track order. Needs no login.',
  requiresAuth: false,
  params: { album_id: param.integer('Id of the album.', { min: 1 }) },
  response: { ...ALBUM, song_ids: ['integer'] },
  handler: ({ state }, { album_id }) => {
    const album = state.tables.music_albums.find((row) => row.id === album_id);
    if (!album) throw notFound('album', album_id);
    return {
      album_id: album.id,
      title: album.title,
      artist_id: album.artist_id,
      artist_name: artistName(state, album.artist_id),
      genre: album.genre,
      release_date: album.release_date,
      song_ids: state.tables.music_songs.filter((song) => song.album_id === album.id).map((song) => song.id),
    };
  },
});

const showLikedSongs = defineApi({
  name: 'show_liked_songs',
  description: 'List the songs you liked, most recent first. Paginated.',
  requiresAuth: true,
  params: { ...pageParams },
  response: [{ song_id: 'integer', title: 'string', artist_name: 'string', liked_at: 'string' }],
  handler: ({ state, user }, args) => {
    const likes = sortBy(
      state.tables.music_likes.filter((like) => like.owner === user),
      '-liked_at',
      (like) => like.liked_at,
    );
    return paginate(likes, args).map((like) => {
      const song = findSong(state, like.song_id);
      return {
        song_id: song.id,
        title: song.title,
        artist_name: artistName(state, song.artist_id),
        liked_at: like.liked_at,
      };
    });
  },
});

const likeSong = defineApi({
  name: 'like_song',
  description: 'Add a song to your liked songs.',
  requiresAuth: true,
  params: { song_id: songId },
  response: { message: 'string' },
  handler: ({ state, user, now }, { song_id }) => {
    findSong(state, song_id);
    if (state.tables.music_likes.some((like) => like.owner === user && like.song_id === song_id)) {
      throw unprocessable(`Song ${song_id} is already in your liked songs.`);
    }
    insert(state, 'music_likes', { owner: user, song_id, liked_at: now });
    return { message: 'Song liked.' };
  },
});

const unlikeSong = defineApi({
  name: 'unlike_song',
  description: 'Remove a song from your liked songs.',
  requiresAuth: true,
  params: { song_id: songId },
  response: { message: 'string' },
  handler: ({ state, user }, { song_id }) => {
    findSong(state, song_id);
    const like = state.tables.music_likes.find((row) => row.owner === user && row.song_id === song_id);
    if (!like) throw unprocessable(`Song ${song_id} is not in your liked songs.`);
    state.tables.music_likes = state.tables.music_likes.filter((row) => row !== like);
    return { message: 'Song unliked.' };
  },
});

const PLAYLIST_SUMMARY = {
  playlist_id: 'integer',
  title: 'string',
  is_public: 'boolean',
  song_count: 'integer',
  created_at: 'string',
} as const;

function playlistSummary(playlist: Playlist) {
  return {
    playlist_id: playlist.id,
    title: playlist.title,
    is_public: playlist.is_public,
    song_count: playlist.song_ids.length,
    created_at: playlist.created_at,
  };
}

const showPlaylists = defineApi({
  name: 'show_playlists',
  description: 'List your playlists. Paginated.',
  requiresAuth: true,
  params: { ...pageParams },
  response: [PLAYLIST_SUMMARY],
  handler: ({ state, user }, args) =>
    paginate(
      state.tables.music_playlists.filter((playlist) => playlist.owner === user),
      args,
    ).map(playlistSummary),
});

const showPlaylist = defineApi({
  name: 'show_playlist',
  description: 'Show one of your playlists with the ids of its songs in order.',
  requiresAuth: true,
  params: { playlist_id: playlistId },
  response: { ...PLAYLIST_SUMMARY, song_ids: ['integer'], updated_at: 'string' },
  handler: ({ state, user }, { playlist_id }) => {
    const playlist = findOwned(state.tables.music_playlists, playlist_id, user, 'playlist');
    return { ...playlistSummary(playlist), song_ids: playlist.song_ids, updated_at: playlist.updated_at };
  },
});

const createPlaylist = defineApi({
  name: 'create_playlist',
  description: 'Create an empty playlist.',
  requiresAuth: true,
  params: {
    title: param.string('Title of the playlist.', { minLength: 1, maxLength: 100 }),
    is_public: optional(param.boolean('Whether other people can see it.'), false),
  },
  response: { message: 'string', playlist_id: 'integer' },
  handler: ({ state, user, now }, { title, is_public }) => {
    const playlist = insert(state, 'music_playlists', {
      owner: user,
      title,
      is_public,
      song_ids: [],
      created_at: now,
      updated_at: now,
    });
    return { message: 'Playlist created.', playlist_id: playlist.id };
  },
});

const updatePlaylist = defineApi({
  name: 'update_playlist',
  description: 'Rename a playlist or change whether it is public.',
  requiresAuth: true,
  params: {
    playlist_id: playlistId,
    title: nullable(param.string('New title.', { minLength: 1, maxLength: 100 })),
    is_public: nullable(param.boolean('New visibility.')),
  },
  response: { message: 'string' },
  handler: ({ state, user, now }, args) => {
    const playlist = findOwned(state.tables.music_playlists, args.playlist_id, user, 'playlist');
    if (args.title !== null) playlist.title = args.title;
    if (args.is_public !== null) playlist.is_public = args.is_public;
    playlist.updated_at = now;
    return { message: 'Playlist updated.' };
  },
});

const addSongToPlaylist = defineApi({
  name: 'add_song_to_playlist',
  description: 'Append a song to the end of a playlist.',
  requiresAuth: true,
  params: { playlist_id: playlistId, song_id: songId },
  response: { message: 'string' },
  handler: ({ state, user, now }, { playlist_id, song_id }) => {
    const playlist = findOwned(state.tables.music_playlists, playlist_id, user, 'playlist');
    findSong(state, song_id);
    if (playlist.song_ids.includes(song_id))
      throw unprocessable(`Song ${song_id} is already in this playlist.`);
    playlist.song_ids.push(song_id);
    playlist.updated_at = now;
    return { message: 'Song added to the playlist.' };
  },
});

const removeSongFromPlaylist = defineApi({
  name: 'remove_song_from_playlist',
  description: 'Remove a song from a playlist.',
  requiresAuth: true,
  params: { playlist_id: playlistId, song_id: songId },
  response: { message: 'string' },
  handler: ({ state, user, now }, { playlist_id, song_id }) => {
    const playlist = findOwned(state.tables.music_playlists, playlist_id, user, 'playlist');
    if (!playlist.song_ids.includes(song_id)) throw unprocessable(`Song ${song_id} is not in this playlist.`);
    playlist.song_ids = playlist.song_ids.filter((id) => id !== song_id);
    playlist.updated_at = now;
    return { message: 'Song removed from the playlist.' };
  },
});

const deletePlaylist = defineApi({
  name: 'delete_playlist',
  description: 'Delete a playlist for good.',
  requiresAuth: true,
  params: { playlist_id: playlistId },
  response: { message: 'string' },
  handler: ({ state, user }, { playlist_id }) => {
    const playlist = findOwned(state.tables.music_playlists, playlist_id, user, 'playlist');
    state.tables.music_playlists = state.tables.music_playlists.filter((row) => row !== playlist);
    return { message: 'Playlist deleted.' };
  },
});

const showPlayHistory = defineApi({
  name: 'show_play_history',
  description: 'List the songs you played, most recent first. Paginated.',
  requiresAuth: true,
  params: { ...pageParams },
  response: [{ song_id: 'integer', title: 'string', artist_name: 'string', played_at: 'string' }],
  handler: ({ state, user }, args) => {
    const plays = sortBy(
      state.tables.music_plays.filter((play) => play.owner === user),
      '-played_at',
      (play) => play.played_at,
    );
    return paginate(plays, args).map((play) => {
      const song = findSong(state, play.song_id);
      return {
        song_id: song.id,
        title: song.title,
        artist_name: artistName(state, song.artist_id),
        played_at: play.played_at,
      };
    });
  },
});

export const musicApp = defineApp(
  'music',
  'A music streaming app: a song catalog, your liked songs, playlists and plays.',
  [
    loginApi('music'),
    logoutApi('music'),
    searchSongs,
    showSong,
    searchArtists,
    showArtist,
    searchAlbums,
    showAlbum,
    showLikedSongs,
    likeSong,
    unlikeSong,
    showPlaylists,
    showPlaylist,
    createPlaylist,
    updatePlaylist,
    addSongToPlaylist,
    removeSongFromPlaylist,
    deletePlaylist,
    showPlayHistory,
  ],
);
