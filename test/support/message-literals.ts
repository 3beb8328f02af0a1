import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/**
 * Every message text the server's code can put in front of a client, found in its source: the
 * `detail`, `message` and `reason` of problems, field errors and import line errors, the message
 * arguments of zod checks, AppError's shorthands and the field-error helpers. A `${…}` in a template
 * literal becomes `{}`, standing for the value it carries.
 */
export interface MessageLiteral {
  text: string;
  file: string;
  line: number;
}

const MESSAGE_PROPERTIES = new Set(['detail', 'message', 'reason']);
/** Zod checks whose last string argument is the message. */
const ZOD_CHECKS = new Set(['regex', 'refine', 'min', 'max', 'length']);
/** AppError's shorthands taking the detail first. */
const SHORTHANDS = new Set(['badRequest', 'unauthorized', 'forbidden', 'notFound', 'conflict', 'unavailable']);
/** Helpers building a field error from (path, message): the message is their last argument. */
const FIELD_HELPERS = new Set(['fieldError', 'validationError', 'credentialLocked', 'field']);

/** Files whose strings never reach an API client: the embedded database, configuration, CLIs, the public page's own texts. */
const SKIPPED = [/^embedded-mongo\//, /^config\//, /\.cli\.ts$/, /admin\.bootstrap\.ts$/, /health\//, /ledger\/log\/index\.ts$/, /api-module\.ts$/, /qr\/verify\.i18n\.ts$/];

export function messageLiterals(srcDir: string): MessageLiteral[] {
  const found: MessageLiteral[] = [];
  for (const file of sourceFiles(srcDir)) {
    const rel = relative(srcDir, file);
    if (SKIPPED.some((pattern) => pattern.test(rel))) continue;
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const add = (node: ts.Node | undefined) => {
      for (const text of textsOf(node)) found.push({ text, file: rel, line: source.getLineAndCharacterOfPosition(node!.getStart()).line + 1 });
    };
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && MESSAGE_PROPERTIES.has(node.name.text)) add(node.initializer);
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
        const last = node.arguments[node.arguments.length - 1];
        if (ts.isPropertyAccessExpression(callee) && ZOD_CHECKS.has(name) && node.arguments.length >= 2) add(last);
        if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'AppError' && SHORTHANDS.has(name)) add(node.arguments[0]);
        if (ts.isIdentifier(callee) && FIELD_HELPERS.has(name) && node.arguments.length >= 1) add(last);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/** The texts an expression can evaluate to, when they are written in it (a conditional gives both). */
function textsOf(node: ts.Node | undefined): string[] {
  if (!node) return [];
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isTemplateExpression(node)) return [node.head.text + node.templateSpans.map((span) => `{}${span.literal.text}`).join('')];
  if (ts.isConditionalExpression(node)) return [...textsOf(node.whenTrue), ...textsOf(node.whenFalse)];
  if (ts.isParenthesizedExpression(node)) return textsOf(node.expression);
  return [];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}
