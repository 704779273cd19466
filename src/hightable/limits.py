"""Every limit of hightable in one place (LIMIT-1 in docs/rules.md names those a sender meets).

A name says what is limited, then the qualifier: `amount_max` is the largest amount. Nothing
here imports anything, so that the core and every shell may read it.
"""

# -- what a command may hold (the core's parser) ---------------------------------------------
amount_max = 10**15  # coins in one amount
id_length_max = 200  # characters of an id (a world, a member, a contract...)
text_length_max = 2_000  # characters of a free text (a title, a help)
note_length_max = 500  # characters of a command's note: the scene it is told in
instant_text_length_max = 64  # characters of an instant as written
# characters of a mistyped name still compared with the known ones (difflib's time grows with it)
suggested_word_length_max = 100

# -- what an HTTP request may hold ------------------------------------------------------------
body_bytes_max = 1_048_576  # a request body: 1 MiB
head_bytes_max = 16_384  # a request's line and headers (h11's bound, kept with httptools)
batch_length_max = 1_000  # commands in one batch
page_events_max = 1_000  # events in one page of the log
page_entries_max = 1_000  # entries of each section in one page of the view
path_length_max = 500  # characters of a dotted path into the view
token_length_max = 200  # characters of a token sent as `?token=`
last_event_id_length_max = 32  # characters of a Last-Event-ID header
seq_max = 2**62  # a seq cursor: past it, the stores' 64-bit integers would overflow
feed_seconds_max = 3_600  # how long one live feed stays open
feed_page_records_max = 500  # records sent to a feed per read of the store

# -- what the command line reads --------------------------------------------------------------
file_commands_max = 100_000  # commands in one --file
command_file_bytes_max = 32 * 1024 * 1024  # 100,000 commands of a few hundred bytes
import_bytes_max = 512 * 1024 * 1024  # a log of two million events or more, as exported
serve_workers_max = 64  # worker processes of `hightable serve`

# -- what a story may hold --------------------------------------------------------------------
story_bytes_max = 4 * 1024 * 1024
story_steps_max = 20_000
story_values_max = 1_000_000  # values once aliases are expanded: no "billion laughs"
story_flow_nesting_max = 64  # [ and { within each other

# -- what a process keeps ---------------------------------------------------------------------
worlds_held_max = 1_024  # worlds whose state a service keeps loaded (the least used let go)
# Worlds whose past a server keeps in memory (a timeline), for views at an instant in a few
# milliseconds: about 350 MiB for a world of a million events, a few MiB for a small one.
timelines_server_default = 4
timelines_held_max = 1_000  # the most `hightable serve --timelines` accepts
snapshot_interval_events = 1_000  # a snapshot at most every this many events
conflict_retries_max = 50  # a writer that lost this many races in a row gives up (STORE-1)
read_page_records_max = 5_000  # records a store fetches per round trip when reading a long log
event_partitions_max = 1_024  # partitions of a PostgreSQL store's events (a table per partition)

# -- what-if storms over HTTP -----------------------------------------------------------------
storm_steps_max = 2_000  # commands in a storm run from the page: a few seconds at most
