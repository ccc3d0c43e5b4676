/*
 * The reference of `npm run bench:stage` (bench/stage.mjs): what mpiFileUtils' dbcast does,
 * extended to folders, in plain MPI.
 *
 *   mpirun -np N bcast-files [--chunk BYTES] [--verify] SOURCE DEST
 *
 * Rank 0 walks SOURCE (a file or a folder) and broadcasts the list of its entries (relative
 * path, type, size, mode). Every rank creates the tree at DEST ("{rank}" in DEST is replaced by
 * the rank, so that ranks on one machine get their own destination; DEST names the copy itself,
 * as in `cp -r SOURCE DEST`). Then rank 0 reads the files' bytes, one after another, into chunks
 * of BYTES (default 4 MiB) and MPI_Bcast's each chunk; every rank, rank 0 included, writes it at
 * its destination. Small files share a chunk (dbcast sends each file on its own), so this is at
 * least as fast as dbcast on many small files. A Barrier ends the copy.
 *
 * --verify adds what a careful user must do after such a copy: rank 0 computes the SHA-256 of
 * every source file, broadcasts the digests, every rank hashes its own copies (OpenSSL's
 * libcrypto) and compares; any difference fails the job.
 *
 * Rank 0 prints one line: entries, bytes, and the seconds of the copy (and of the check).
 * Any failed call: one line naming the rank, the call and the path, then MPI_Abort.
 * Regular files and folders only; anything else in SOURCE is an error.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mpi.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIGEST_BYTES 32

enum entry_type { ENTRY_FILE = 'f', ENTRY_FOLDER = 'd' };

struct entry {
  char type;
  uint32_t mode;
  uint64_t size;
  char *path;  /* relative to SOURCE / DEST; "" is SOURCE itself */
};

struct entry_list {
  struct entry *items;
  size_t count, capacity;
};

static int rank;

static void die(const char *format, ...) {
  va_list list;
  va_start(list, format);
  fprintf(stderr, "bcast-files: rank %d: ", rank);
  vfprintf(stderr, format, list);
  fputc('\n', stderr);
  va_end(list);
  MPI_Abort(MPI_COMM_WORLD, 1);
  exit(1);
}

static void check_mpi(int code, const char *call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  die("%s failed: %s", call, text);
}

static void *allocate(size_t bytes) {
  void *memory = malloc(bytes > 0 ? bytes : 1);
  if (!memory) die("out of memory (%zu bytes)", bytes);
  return memory;
}

static char *join(const char *base, const char *relative) {
  size_t length = strlen(base) + 1 + strlen(relative) + 1;
  char *path = allocate(length);
  if (relative[0] == '\0') snprintf(path, length, "%s", base);
  else snprintf(path, length, "%s/%s", base, relative);
  return path;
}

/* DEST with every "{rank}" replaced by this rank. */
static char *expand_rank(const char *pattern) {
  char number[16];
  snprintf(number, sizeof number, "%d", rank);
  size_t length = strlen(pattern) + 1;
  for (const char *at = strstr(pattern, "{rank}"); at; at = strstr(at + 6, "{rank}")) length += strlen(number);
  char *path = allocate(length), *out = path;
  for (const char *in = pattern; *in;) {
    if (strncmp(in, "{rank}", 6) == 0) {
      out = stpcpy(out, number);
      in += 6;
    } else {
      *out++ = *in++;
    }
  }
  *out = '\0';
  return path;
}

/* ------------------------------------------------------------------------------------------ */
/* The list of entries: rank 0 walks SOURCE, then everyone gets it packed in one buffer.       */

static void add_entry(struct entry_list *list, char type, uint32_t mode, uint64_t size, const char *path) {
  if (list->count == list->capacity) {
    list->capacity = list->capacity ? 2 * list->capacity : 256;
    list->items = realloc(list->items, list->capacity * sizeof *list->items);
    if (!list->items) die("out of memory listing SOURCE");
  }
  list->items[list->count++] = (struct entry){ type, mode, size, strdup(path) };
}

/* Adds `relative` (under `source`) and, for a folder, everything in it, sorted by name. */
static void walk(struct entry_list *list, const char *source, const char *relative) {
  char *path = join(source, relative);
  struct stat info;
  if (lstat(path, &info) != 0) die("cannot stat %s: %s", path, strerror(errno));
  if (S_ISREG(info.st_mode)) {
    add_entry(list, ENTRY_FILE, info.st_mode & 07777, (uint64_t)info.st_size, relative);
  } else if (S_ISDIR(info.st_mode)) {
    add_entry(list, ENTRY_FOLDER, info.st_mode & 07777, 0, relative);
    struct dirent **names;
    int count = scandir(path, &names, NULL, alphasort);
    if (count < 0) die("cannot read folder %s: %s", path, strerror(errno));
    for (int i = 0; i < count; i++) {
      const char *name = names[i]->d_name;
      if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
        char *child = relative[0] ? join(relative, name) : strdup(name);
        walk(list, source, child);
        free(child);
      }
      free(names[i]);
    }
    free(names);
  } else {
    die("%s is neither a regular file nor a folder", path);
  }
  free(path);
}

/* Packed: per entry, type (1 byte), mode (4), size (8), path length (4), path. */
static char *pack(const struct entry_list *list, uint64_t *bytes) {
  uint64_t total = 0;
  for (size_t i = 0; i < list->count; i++) total += 17 + strlen(list->items[i].path);
  char *buffer = allocate(total), *at = buffer;
  for (size_t i = 0; i < list->count; i++) {
    const struct entry *entry = &list->items[i];
    uint32_t length = (uint32_t)strlen(entry->path);
    *at++ = entry->type;
    memcpy(at, &entry->mode, 4), at += 4;
    memcpy(at, &entry->size, 8), at += 8;
    memcpy(at, &length, 4), at += 4;
    memcpy(at, entry->path, length), at += length;
  }
  *bytes = total;
  return buffer;
}

static void unpack(struct entry_list *list, const char *buffer, uint64_t bytes) {
  const char *at = buffer, *end = buffer + bytes;
  while (at < end) {
    struct entry entry;
    uint32_t length;
    entry.type = *at++;
    memcpy(&entry.mode, at, 4), at += 4;
    memcpy(&entry.size, at, 8), at += 8;
    memcpy(&length, at, 4), at += 4;
    entry.path = allocate(length + 1);
    memcpy(entry.path, at, length), at += length;
    entry.path[length] = '\0';
    add_entry(list, entry.type, entry.mode, entry.size, entry.path);
    free(entry.path);
  }
}

static void broadcast_list(struct entry_list *list, const char *source) {
  uint64_t bytes = 0;
  char *buffer = NULL;
  if (rank == 0) {
    walk(list, source, "");
    buffer = pack(list, &bytes);
  }
  check_mpi(MPI_Bcast(&bytes, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD), "MPI_Bcast of the list's size");
  if (bytes > INT_MAX) die("the list of SOURCE's entries is too long (%llu bytes)", (unsigned long long)bytes);
  if (rank != 0) buffer = allocate(bytes);
  check_mpi(MPI_Bcast(buffer, (int)bytes, MPI_BYTE, 0, MPI_COMM_WORLD), "MPI_Bcast of the list");
  if (rank != 0) unpack(list, buffer, bytes);
  free(buffer);
}

/* ------------------------------------------------------------------------------------------ */
/* The bytes: a cursor walks the files in list order; rank 0 reads through one on SOURCE,       */
/* every rank writes through one on its DEST.                                                  */

struct cursor {
  const struct entry_list *list;
  const char *base;
  int writing;
  size_t index;     /* the entry being read or written */
  uint64_t offset;  /* within it */
  int fd;
};

static void open_current(struct cursor *cursor) {
  const struct entry *entry = &cursor->list->items[cursor->index];
  char *path = join(cursor->base, entry->path);
  cursor->fd = cursor->writing ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)
                               : open(path, O_RDONLY | O_CLOEXEC);
  if (cursor->fd < 0) die("cannot open %s: %s", path, strerror(errno));
  free(path);
}

static void close_current(struct cursor *cursor) {
  const struct entry *entry = &cursor->list->items[cursor->index];
  if (cursor->writing && fchmod(cursor->fd, entry->mode) != 0) die("cannot chmod %s: %s", entry->path, strerror(errno));
  if (close(cursor->fd) != 0) die("cannot close %s: %s", entry->path, strerror(errno));
  cursor->fd = -1;
}

/* Moves past folders and finished files (creating empty files on the way) to the next byte. */
static void skip_to_data(struct cursor *cursor) {
  for (; cursor->index < cursor->list->count; cursor->index++, cursor->offset = 0) {
    const struct entry *entry = &cursor->list->items[cursor->index];
    if (entry->type != ENTRY_FILE) continue;
    if (cursor->offset < entry->size) return;
    if (cursor->fd < 0) open_current(cursor);  /* an empty file */
    close_current(cursor);
  }
}

/* Reads (rank 0, SOURCE) or writes (DEST) the next `bytes` of the files' concatenation. */
static void transfer(struct cursor *cursor, char *buffer, size_t bytes) {
  while (bytes > 0) {
    skip_to_data(cursor);
    if (cursor->index >= cursor->list->count) die("the files end before the data does");
    const struct entry *entry = &cursor->list->items[cursor->index];
    if (cursor->fd < 0) open_current(cursor);
    uint64_t left = entry->size - cursor->offset;
    size_t step = bytes < left ? bytes : (size_t)left;
    ssize_t done = cursor->writing ? pwrite(cursor->fd, buffer, step, (off_t)cursor->offset)
                                   : pread(cursor->fd, buffer, step, (off_t)cursor->offset);
    if (done < 0 && errno == EINTR) continue;
    if (done < 0) die("cannot %s %s: %s", cursor->writing ? "write" : "read", entry->path, strerror(errno));
    if (done == 0) die("%s ended early (it changed during the copy?)", entry->path);
    cursor->offset += (uint64_t)done;
    buffer += done;
    bytes -= (size_t)done;
  }
}

static void copy_files(const struct entry_list *list, const char *source, const char *dest, size_t chunk) {
  uint64_t total = 0;
  for (size_t i = 0; i < list->count; i++) total += list->items[i].size;
  struct cursor reader = { list, source, 0, 0, 0, -1 };
  struct cursor writer = { list, dest, 1, 0, 0, -1 };
  char *buffer = allocate(chunk);
  for (uint64_t sent = 0; sent < total;) {
    size_t bytes = total - sent < chunk ? (size_t)(total - sent) : chunk;
    if (rank == 0) transfer(&reader, buffer, bytes);
    check_mpi(MPI_Bcast(buffer, (int)bytes, MPI_BYTE, 0, MPI_COMM_WORLD), "MPI_Bcast of a chunk");
    transfer(&writer, buffer, bytes);
    sent += bytes;
  }
  skip_to_data(&writer);  /* the empty files after the last byte */
  free(buffer);
}

static void create_folders(const struct entry_list *list, const char *dest) {
  for (size_t i = 0; i < list->count; i++) {
    if (list->items[i].type != ENTRY_FOLDER) continue;
    char *path = join(dest, list->items[i].path);
    if (mkdir(path, 0700) != 0) die("cannot create folder %s: %s", path, strerror(errno));
    free(path);
  }
}

/* Folders get their modes last, deepest first, so that a read-only one was still writable. */
static void set_folder_modes(const struct entry_list *list, const char *dest) {
  for (size_t i = list->count; i-- > 0;) {
    if (list->items[i].type != ENTRY_FOLDER) continue;
    char *path = join(dest, list->items[i].path);
    if (chmod(path, list->items[i].mode) != 0) die("cannot chmod %s: %s", path, strerror(errno));
    free(path);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* --verify                                                                                    */

static void hash_file(const char *path, char *buffer, size_t chunk, unsigned char digest[DIGEST_BYTES]) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) die("cannot open %s: %s", path, strerror(errno));
  EVP_MD_CTX *context = EVP_MD_CTX_new();
  if (!context || EVP_DigestInit_ex(context, EVP_sha256(), NULL) != 1) die("cannot start SHA-256 for %s", path);
  for (;;) {
    ssize_t got = read(fd, buffer, chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) die("cannot read %s: %s", path, strerror(errno));
    if (got == 0) break;
    if (EVP_DigestUpdate(context, buffer, (size_t)got) != 1) die("SHA-256 of %s failed", path);
  }
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context, digest, &length) != 1 || length != DIGEST_BYTES) die("SHA-256 of %s failed", path);
  EVP_MD_CTX_free(context);
  if (close(fd) != 0) die("cannot close %s: %s", path, strerror(errno));
}

/* The SHA-256 of every file of the list under `base`, in list order (folders: zeros). */
static unsigned char *hash_files(const struct entry_list *list, const char *base, size_t chunk) {
  unsigned char *digests = calloc(list->count ? list->count : 1, DIGEST_BYTES);
  if (!digests) die("out of memory for the digests");
  char *buffer = allocate(chunk);
  for (size_t i = 0; i < list->count; i++) {
    if (list->items[i].type != ENTRY_FILE) continue;
    char *path = join(base, list->items[i].path);
    hash_file(path, buffer, chunk, digests + i * DIGEST_BYTES);
    free(path);
  }
  free(buffer);
  return digests;
}

/* Every rank hashes its copies; rank 0 also hashes SOURCE and broadcasts those. Returns the job's count of wrong files. */
static long long verify(const struct entry_list *list, const char *source, const char *dest, size_t chunk) {
  if (list->count > INT_MAX / DIGEST_BYTES) die("too many files to verify in one broadcast");
  unsigned char *copies = hash_files(list, dest, chunk);
  unsigned char *expected = rank == 0 ? hash_files(list, source, chunk) : calloc(list->count ? list->count : 1, DIGEST_BYTES);
  if (!expected) die("out of memory for the digests");
  check_mpi(MPI_Bcast(expected, (int)(list->count * DIGEST_BYTES), MPI_BYTE, 0, MPI_COMM_WORLD), "MPI_Bcast of the digests");
  long long wrong = 0;
  for (size_t i = 0; i < list->count; i++) {
    if (memcmp(copies + i * DIGEST_BYTES, expected + i * DIGEST_BYTES, DIGEST_BYTES) == 0) continue;
    if (wrong++ < 5) fprintf(stderr, "bcast-files: rank %d: %s differs from SOURCE\n", rank, list->items[i].path);
  }
  long long total = 0;
  check_mpi(MPI_Allreduce(&wrong, &total, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce of the wrong files");
  free(copies);
  free(expected);
  return total;
}

/* ------------------------------------------------------------------------------------------ */

static void usage(void) {
  if (rank == 0) fprintf(stderr, "usage: bcast-files [--chunk BYTES] [--verify] SOURCE DEST   (DEST may hold {rank})\n");
  MPI_Finalize();
  exit(2);
}

int main(int argc, char **argv) {
  check_mpi(MPI_Init(&argc, &argv), "MPI_Init");
  check_mpi(MPI_Comm_rank(MPI_COMM_WORLD, &rank), "MPI_Comm_rank");
  size_t chunk = 4u << 20;
  int check = 0;
  const char *operands[2];
  int operand_count = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--verify") == 0) {
      check = 1;
    } else if (strcmp(argv[i], "--chunk") == 0 && i + 1 < argc) {
      char *end;
      unsigned long long value = strtoull(argv[++i], &end, 10);
      if (*end != '\0' || value == 0 || value > (1u << 30)) die("--chunk takes a size in bytes, 1 to 2^30, not %s", argv[i]);
      chunk = (size_t)value;
    } else if (argv[i][0] == '-' || operand_count == 2) {
      usage();
    } else {
      operands[operand_count++] = argv[i];
    }
  }
  if (operand_count != 2) usage();
  const char *source = operands[0];
  char *dest = expand_rank(operands[1]);

  double start = MPI_Wtime();
  struct entry_list list = { 0 };
  broadcast_list(&list, source);
  create_folders(&list, dest);
  copy_files(&list, source, dest, chunk);
  set_folder_modes(&list, dest);
  check_mpi(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
  double copied = MPI_Wtime();
  long long wrong = check ? verify(&list, source, dest, chunk) : 0;
  double verified = MPI_Wtime();

  if (rank == 0) {
    uint64_t bytes = 0;
    for (size_t i = 0; i < list.count; i++) bytes += list.items[i].size;
    printf("bcast-files: %zu entries, %llu bytes: copy %.3f s", list.count, (unsigned long long)bytes, copied - start);
    if (check) printf(", verify %.3f s (%lld wrong files)", verified - copied, wrong);
    printf("\n");
  }
  if (wrong > 0 && rank == 0) fprintf(stderr, "bcast-files: %lld copies differ from SOURCE\n", wrong);
  for (size_t i = 0; i < list.count; i++) free(list.items[i].path);
  free(list.items);
  free(dest);
  check_mpi(MPI_Finalize(), "MPI_Finalize");
  return wrong > 0 ? 1 : 0;
}
