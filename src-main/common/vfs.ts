// An in-memory file system, one per machine (the workstation, a lab node, a container): absolute paths,
// directories and text files. Pure data in common/, so the Docker daemon (writing /etc/hosts, resolv.conf), the
// shells and snapshots all share it. Paths are resolved against a working directory the caller passes in; `.` and `..` are handled
// lexically (there are no symbolic links). Errors carry the errno-style reason the real tools print.

export type VfsErrorCode = 'ENOENT' | 'EISDIR' | 'ENOTDIR' | 'EEXIST' | 'ENOTEMPTY';

const REASONS: Record<VfsErrorCode, string> = {
  ENOENT: 'No such file or directory',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EEXIST: 'File exists',
  ENOTEMPTY: 'Directory not empty',
};

export class VfsError extends Error {
  readonly code: VfsErrorCode;
  /** The path as the caller gave it. */
  readonly path: string;
  /** The strerror text, e.g. "No such file or directory". */
  readonly reason: string;
  constructor(code: VfsErrorCode, path: string) {
    super(`${path}: ${REASONS[code]}`);
    this.name = 'VfsError';
    this.code = code;
    this.path = path;
    this.reason = REASONS[code];
  }
}

const DEV_NULL = '/dev/null';

type Node = { kind: 'dir' } | { kind: 'file'; data: string };

export interface DirEntry {
  name: string;
  kind: 'dir' | 'file';
}

/** Joins `path` to `cwd` (unless absolute) and normalises `.`, `..` and repeated slashes. */
export function resolvePath(cwd: string, path: string): string {
  const full = path.startsWith('/') ? path : `${cwd}/${path}`;
  const out: string[] = [];
  for (const seg of full.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}

function parentOf(abs: string): string {
  const i = abs.lastIndexOf('/');
  return i <= 0 ? '/' : abs.slice(0, i);
}

export function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

export class Vfs {
  /** `/dev/null` is always there: it reads as empty and swallows what is written to it. */
  private readonly nodes = new Map<string, Node>([
    ['/', { kind: 'dir' }],
    ['/dev', { kind: 'dir' }],
    ['/dev/null', { kind: 'file', data: '' }],
  ]);

  /** A file system holding these directories (created with their parents) and files. */
  static with(dirs: readonly string[], files: Record<string, string> = {}): Vfs {
    const fs = new Vfs();
    for (const d of dirs) fs.mkdir(d, '/', { parents: true });
    for (const [p, data] of Object.entries(files)) {
      fs.mkdir(parentOf(resolvePath('/', p)), '/', { parents: true });
      fs.writeFile(p, data);
    }
    return fs;
  }

  resolve(path: string, cwd = '/'): string {
    return resolvePath(cwd, path);
  }

  exists(path: string, cwd = '/'): boolean {
    return this.lookup(path, cwd) !== undefined;
  }

  isFile(path: string, cwd = '/'): boolean {
    return this.lookup(path, cwd)?.kind === 'file';
  }

  isDir(path: string, cwd = '/'): boolean {
    return this.lookup(path, cwd)?.kind === 'dir';
  }

  /** The size in bytes of a file (its text as UTF-8), or undefined when it is not a file. */
  size(path: string, cwd = '/'): number | undefined {
    const n = this.lookup(path, cwd);
    return n?.kind === 'file' ? new TextEncoder().encode(n.data).length : undefined;
  }

  readFile(path: string, cwd = '/'): string {
    this.checkParents(path, cwd);
    const n = this.nodes.get(resolvePath(cwd, path));
    if (n === undefined) throw new VfsError('ENOENT', path);
    if (n.kind === 'dir') throw new VfsError('EISDIR', path);
    return n.data;
  }

  /** Creates or truncates a file; its directory must exist. */
  writeFile(path: string, data: string, cwd = '/'): void {
    this.put(path, cwd, () => data, false);
  }

  appendFile(path: string, data: string, cwd = '/'): void {
    this.put(path, cwd, (old) => old + data, true);
  }

  /** `mkdir` (`parents`: `mkdir -p`, no error when it exists). */
  mkdir(path: string, cwd = '/', options: { parents?: boolean } = {}): void {
    const abs = resolvePath(cwd, path);
    if (options.parents) {
      let cur = '';
      for (const seg of abs.split('/').filter((s) => s !== '')) {
        cur += '/' + seg;
        const n = this.nodes.get(cur);
        if (n === undefined) this.nodes.set(cur, { kind: 'dir' });
        else if (n.kind === 'file') throw new VfsError(cur === abs ? 'EEXIST' : 'ENOTDIR', path);
      }
      return;
    }
    if (this.nodes.has(abs)) throw new VfsError('EEXIST', path);
    this.checkParents(path, cwd);
    const parent = this.nodes.get(parentOf(abs));
    if (parent === undefined) throw new VfsError('ENOENT', path);
    this.nodes.set(abs, { kind: 'dir' });
  }

  /** The entries of a directory, sorted by name. */
  list(path: string, cwd = '/'): DirEntry[] {
    this.checkParents(path, cwd);
    const abs = resolvePath(cwd, path);
    const n = this.nodes.get(abs);
    if (n === undefined) throw new VfsError('ENOENT', path);
    if (n.kind === 'file') throw new VfsError('ENOTDIR', path);
    const prefix = abs === '/' ? '/' : abs + '/';
    const out: DirEntry[] = [];
    for (const [p, node] of this.nodes) {
      if (p !== abs && p.startsWith(prefix) && !p.slice(prefix.length).includes('/')) out.push({ name: p.slice(prefix.length), kind: node.kind });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Removes a file, an empty directory, or (`recursive`) a whole tree. */
  remove(path: string, cwd = '/', options: { recursive?: boolean } = {}): void {
    this.checkParents(path, cwd);
    const abs = resolvePath(cwd, path);
    const n = this.nodes.get(abs);
    if (n === undefined) throw new VfsError('ENOENT', path);
    if (n.kind === 'dir') {
      const children = [...this.nodes.keys()].filter((p) => p.startsWith(abs === '/' ? '/' : abs + '/') && p !== abs);
      if (children.length > 0 && !options.recursive) throw new VfsError('ENOTEMPTY', path);
      for (const c of children) this.nodes.delete(c);
    }
    if (abs !== '/') this.nodes.delete(abs);
  }

  private lookup(path: string, cwd: string): Node | undefined {
    try {
      this.checkParents(path, cwd);
    } catch {
      return undefined;
    }
    return this.nodes.get(resolvePath(cwd, path));
  }

  /** A path through a file (`/etc/hosts/x`) is "Not a directory"; `..` is applied lexically first. */
  private checkParents(path: string, cwd: string): void {
    const abs = resolvePath(cwd, path);
    let cur = '';
    const segs = abs.split('/').filter((s) => s !== '');
    for (const seg of segs.slice(0, -1)) {
      cur += '/' + seg;
      const n = this.nodes.get(cur);
      if (n === undefined) throw new VfsError('ENOENT', path);
      if (n.kind === 'file') throw new VfsError('ENOTDIR', path);
    }
  }

  private put(path: string, cwd: string, data: (old: string) => string, append: boolean): void {
    this.checkParents(path, cwd);
    const abs = resolvePath(cwd, path);
    if (path.endsWith('/')) throw new VfsError(this.nodes.get(abs)?.kind === 'dir' ? 'EISDIR' : 'ENOENT', path);
    const n = this.nodes.get(abs);
    if (n?.kind === 'dir') throw new VfsError('EISDIR', path);
    if (abs === DEV_NULL) return;
    const old = n?.kind === 'file' && append ? n.data : '';
    this.nodes.set(abs, { kind: 'file', data: data(old) });
  }
}
