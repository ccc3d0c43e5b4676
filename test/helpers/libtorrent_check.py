"""What libtorrent makes of a .torrent, and of the data at a save path (test/helpers/libtorrent.ts).

usage: libtorrent_check.py TORRENT [SAVE_PATH]
       libtorrent_check.py --create SOURCE PIECE_LENGTH OUT   (libtorrent's own v2 torrent)
Prints one JSON object: the files (path from the save path, size, symlink target, executable),
the v2 info-hash, piece length and number of pieces; with SAVE_PATH, libtorrent's own check of
the data there: how many pieces it has and whether it would seed. Exit 1 with the reason on
stderr when libtorrent rejects the torrent; exit 2 when libtorrent cannot be imported.
"""
import json
import os
import sys
import time

try:
    import libtorrent as lt
except ImportError as error:
    print(f'cannot import libtorrent: {error}', file=sys.stderr)
    sys.exit(2)

CHECK_SECONDS = 30


def describe(ti):
    files = ti.files()
    listed = []
    for i in range(files.num_files()):
        flags = files.file_flags(i)
        if flags & lt.file_storage.flag_pad_file:
            continue
        listed.append({
            'path': files.file_path(i),
            'size': files.file_size(i),
            'symlink': files.symlink(i) if flags & lt.file_storage.flag_symlink else None,
            'executable': bool(flags & lt.file_storage.flag_executable),
        })
    return {
        'files': listed,
        'infoHashV2': str(ti.info_hashes().v2),
        'pieceLength': ti.piece_length(),
        'pieces': ti.num_pieces(),
    }


def check(ti, save_path):
    session = lt.session({
        'listen_interfaces': '127.0.0.1:0',
        'enable_dht': False,
        'enable_lsd': False,
        'enable_upnp': False,
        'enable_natpmp': False,
        'alert_mask': 0,
    })
    params = lt.add_torrent_params()
    params.ti = ti
    params.save_path = save_path
    handle = session.add_torrent(params)
    checking = (lt.torrent_status.checking_files, lt.torrent_status.checking_resume_data)
    deadline = time.monotonic() + CHECK_SECONDS
    while True:
        status = handle.status()
        if status.errc.value() != 0:
            return {'error': status.errc.message(), 'havePieces': status.num_pieces, 'isSeeding': False}
        if status.has_metadata and status.state not in checking:
            break
        if time.monotonic() > deadline:
            return {'error': f'the check did not end within {CHECK_SECONDS} s', 'havePieces': status.num_pieces, 'isSeeding': False}
        time.sleep(0.05)
    return {'havePieces': status.num_pieces, 'isSeeding': status.is_seeding}


def create(source, piece_length, out):
    files = lt.file_storage()
    lt.add_files(files, source)
    creator = lt.create_torrent(files, piece_length, flags=lt.create_torrent_flags_t.v2_only)
    lt.set_piece_hashes(creator, os.path.dirname(os.path.abspath(source)))
    with open(out, 'wb') as f:
        f.write(lt.bencode(creator.generate()))


def main():
    if len(sys.argv) == 5 and sys.argv[1] == '--create':
        create(sys.argv[2], int(sys.argv[3]), sys.argv[4])
        return
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        sys.exit(64)
    try:
        ti = lt.torrent_info(sys.argv[1])
    except RuntimeError as error:
        print(f'libtorrent rejects {sys.argv[1]}: {error}', file=sys.stderr)
        sys.exit(1)
    result = describe(ti)
    if len(sys.argv) == 3:
        result.update(check(ti, sys.argv[2]))
    print(json.dumps(result))


main()
