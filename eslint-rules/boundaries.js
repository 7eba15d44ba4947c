// ESLint plugin `layers`, rule `layers/boundaries`: each relative import of a file in src/ is resolved
// against the file and checked against the layers of scripts/layers.mjs (platform imports no other
// folder, the auth core only platform, a feature's nested folders are its own). The folder cycles are
// scripts/check-layers.mjs. Both run in `npm run lint`.
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkImport, resolveImport } from '../scripts/layers.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** @type {import('eslint').Rule.RuleModule} */
const boundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports respect the layers of src/ (issue 14): platform, the auth core, feature internals' },
    schema: [],
    messages: { broken: '{{message}}' },
  },
  create(context) {
    const file = relative(ROOT, context.filename).split(sep).join('/');
    if (!file.startsWith('src/')) return {};
    const check = (source) => {
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const target = resolveImport(file, source.value);
      const broken = target === null ? null : checkImport(file, target);
      if (broken) context.report({ node: source, messageId: 'broken', data: { message: broken.message } });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};

export default { meta: { name: 'layers' }, rules: { boundaries } };
