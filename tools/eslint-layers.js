// ESLint rule: imports flow downward only, as the table in ARCHITECTURE.md says. A value import against the
// arrows is an error; `import type` may cross (types carry no runtime coupling). The renderer may import only
// src-main/common.
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

/** layer -> layers it may import (besides itself). */
export const LAYERS = {
  common: [],
  sim: ['common'],
  net: ['sim', 'common'],
  docker: ['net', 'sim', 'common'],
  shell: ['docker', 'net', 'sim', 'common'],
  lab: ['common'],
  store: ['lab', 'common'],
  services: ['shell', 'docker', 'net', 'sim', 'lab', 'store', 'common'],
  electron: ['services', 'common'],
  host: ['services', 'common'],
  // The CLI's `serve` and `start` launch the browser host in-process: an entry point may start another.
  cli: ['host', 'services', 'common'],
};

/** Which layer a file belongs to: `main:<folder>`, `renderer`, or null for files outside both trees. */
export function layerOf(file) {
  const rel = path.relative(ROOT, file).split(path.sep);
  if (rel[0] === 'src-renderer') return 'renderer';
  if (rel[0] === 'src-main' && rel.length > 2) return `main:${rel[1]}`;
  return null;
}

export function allowed(fromLayer, toLayer) {
  if (fromLayer === null || toLayer === null || fromLayer === toLayer) return true;
  if (fromLayer === 'renderer') return toLayer === 'main:common';
  if (toLayer === 'renderer') return false;
  const from = fromLayer.slice(5);
  const to = toLayer.slice(5);
  const may = LAYERS[from];
  if (!may) return false; // an unknown folder in src-main must be added to the table first
  return may.includes(to);
}

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'imports follow the layer table of ARCHITECTURE.md' },
    messages: {
      against: "'{{from}}' may not import '{{to}}' ({{spec}}): imports flow downward only (see ARCHITECTURE.md).",
      unknown: "'{{from}}' is not a layer in tools/eslint-layers.js: add it to the table before using it.",
    },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const from = layerOf(file);
    if (from === null) return {};
    if (from.startsWith('main:') && !LAYERS[from.slice(5)]) {
      return {
        Program(node) {
          context.report({ node, messageId: 'unknown', data: { from } });
        },
      };
    }
    function check(node, spec, typeOnly) {
      if (typeOnly || typeof spec !== 'string' || !spec.startsWith('.')) return;
      const to = layerOf(path.resolve(path.dirname(file), spec));
      if (!allowed(from, to)) context.report({ node, messageId: 'against', data: { from, to, spec } });
    }
    return {
      ImportDeclaration(node) {
        const typeOnly =
          node.importKind === 'type' ||
          (node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type'));
        check(node, node.source.value, typeOnly);
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node, node.source.value, node.exportKind === 'type');
      },
      ExportAllDeclaration(node) {
        check(node, node.source.value, node.exportKind === 'type');
      },
      ImportExpression(node) {
        if (node.source.type === 'Literal') check(node, node.source.value, false);
      },
    };
  },
};
