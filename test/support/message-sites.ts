/**
 * Finds the English messages the server writes into error answers, by reading its source (not by
 * running it): the message of every `badRequest`, `forbidden`, `notFound`, `new AppError` (and of
 * AppError's subclasses), every field error `{ path, message }`, and the custom messages of zod
 * schemas (`.regex(re, '…')`, `.refine(fn, '…')`, `{ message: '…' }` options), which reach the
 * answer as field errors.
 *
 * A message is followed through what it is made of: a conditional gives both branches, a `const`
 * its initialiser, a parameter the arguments of the calls to its function in the same file, a call
 * to a function of the server the values it returns. A message made with the caller's `lang` is
 * written in the reader's language at its source, and is reported as such.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export type MessageKind = 'detail' | 'field' | 'notFound';

export type Message =
  | { form: 'exact'; text: string }
  /** A template literal: `parts[0] ${exprs[0]} parts[1] …`. */
  | { form: 'template'; parts: string[]; exprs: string[] }
  /** Written with the caller's `lang`: already in the reader's language. */
  | { form: 'localised'; source: string }
  /** Not readable from the source (e.g. an error text from a library). */
  | { form: 'dynamic'; source: string };

export interface MessageSite {
  kind: MessageKind;
  /** Relative to the repository, with forward slashes. */
  file: string;
  line: number;
  message: Message;
}

function listTs(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return listTs(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

const DETAIL_CALLS = new Set(['badRequest', 'forbidden']);

const isFunctionLike = (n: ts.Node): n is ts.SignatureDeclaration & { body?: ts.Node } =>
  ts.isFunctionDeclaration(n) ||
  ts.isFunctionExpression(n) ||
  ts.isArrowFunction(n) ||
  ts.isMethodDeclaration(n) ||
  ts.isConstructorDeclaration(n);

/** The name a function is called by: its own, or the `const` it is assigned to. */
function functionName(fn: ts.Node): string | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) && fn.name && ts.isIdentifier(fn.name))
    return fn.name.text;
  if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isVariableDeclaration(fn.parent)) {
    return ts.isIdentifier(fn.parent.name) ? fn.parent.name.text : undefined;
  }
  return undefined;
}

function calleeName(call: ts.CallExpression | ts.NewExpression): string | undefined {
  const e = call.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return undefined;
}

function walk(node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node);
  node.forEachChild((c) => walk(c, visit));
}

export function scanMessageSites(root: string, dirs = ['server']): MessageSite[] {
  const files = dirs.flatMap((d) => listTs(path.join(root, d))).sort();
  const sources = files.map((f) =>
    ts.createSourceFile(f, fs.readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS),
  );

  // Functions of the server by name (for messages returned by a helper such as describeProblem),
  // and the classes that extend AppError.
  const functions = new Map<string, ts.Node[]>();
  const errorClasses = new Set(['AppError']);
  for (const sf of sources) {
    walk(sf, (n) => {
      if (isFunctionLike(n)) {
        const name = functionName(n);
        if (name) functions.set(name, [...(functions.get(name) ?? []), n]);
      }
      if (ts.isClassDeclaration(n) && n.name) {
        const base = n.heritageClauses?.flatMap((h) => h.types.map((t) => t.expression.getText()));
        if (base?.includes('AppError')) errorClasses.add(n.name.text);
      }
    });
  }

  const sites: MessageSite[] = [];

  for (const sf of sources) {
    const file = path.relative(root, sf.fileName).split(path.sep).join('/');
    const add = (kind: MessageKind, at: ts.Node, expr: ts.Expression) => {
      const line = sf.getLineAndCharacterOfPosition(at.getStart(sf)).line + 1;
      for (const message of resolve(expr, new Set())) sites.push({ kind, file, line, message });
    };

    /** The values an expression can take, as far as the source tells. */
    const resolve = (expr: ts.Expression, seen: Set<ts.Node>): Message[] => {
      if (seen.has(expr)) return [];
      seen.add(expr);
      if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr))
        return [{ form: 'exact', text: expr.text }];
      if (ts.isTemplateExpression(expr)) return expandTemplate(expr);
      if (expr.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(expr) && expr.text === 'undefined')) return [];
      if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isNonNullExpression(expr))
        return resolve(expr.expression, seen);
      if (ts.isConditionalExpression(expr)) return [...resolve(expr.whenTrue, seen), ...resolve(expr.whenFalse, seen)];
      if (
        ts.isBinaryExpression(expr) &&
        (expr.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken ||
          expr.operatorToken.kind === ts.SyntaxKind.BarBarToken)
      )
        return [...resolve(expr.left, seen), ...resolve(expr.right, seen)];
      if (ts.isIdentifier(expr)) {
        const found = declarationOf(expr);
        if (found && ts.isVariableDeclaration(found) && found.initializer) return resolve(found.initializer, seen);
        if (found && ts.isParameter(found)) return argumentsFor(found, seen);
      }
      if (ts.isCallExpression(expr)) {
        if (expr.arguments.some((a) => ts.isIdentifier(a) && a.text === 'lang'))
          return [{ form: 'localised', source: expr.getText() }];
        const name = calleeName(expr);
        const fns = name && ts.isIdentifier(expr.expression) ? functions.get(name) : undefined;
        if (fns?.length) return fns.flatMap((fn) => returnsOf(fn).flatMap((r) => resolve(r, seen)));
      }
      return [{ form: 'dynamic', source: expr.getText() }];
    };

    /** The `const` or parameter an identifier names, searched outwards from where it is used. */
    const declarationOf = (id: ts.Identifier): ts.VariableDeclaration | ts.ParameterDeclaration | undefined => {
      for (let scope: ts.Node | undefined = id.parent; scope; scope = scope.parent) {
        if (isFunctionLike(scope)) {
          const param = scope.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === id.text);
          if (param) return param;
        }
        if (ts.isBlock(scope) || ts.isSourceFile(scope) || ts.isModuleBlock(scope)) {
          for (const statement of scope.statements) {
            if (!ts.isVariableStatement(statement)) continue;
            const hit = statement.declarationList.declarations.find(
              (d) => ts.isIdentifier(d.name) && d.name.text === id.text,
            );
            if (hit) return hit;
          }
        }
      }
      return undefined;
    };

    /** What the calls to a parameter's function (in this file) pass for it. */
    const argumentsFor = (param: ts.ParameterDeclaration, seen: Set<ts.Node>): Message[] => {
      const fn = param.parent;
      const name = functionName(fn);
      const index = fn.parameters.indexOf(param);
      if (!name) return [{ form: 'dynamic', source: param.getText() }];
      const out: Message[] = [];
      walk(param.getSourceFile(), (n) => {
        if (ts.isCallExpression(n) && calleeName(n) === name && n.arguments[index])
          out.push(...resolve(n.arguments[index], seen));
      });
      return out.length ? out : [{ form: 'dynamic', source: param.getText() }];
    };

    walk(sf, (n) => {
      if (ts.isCallExpression(n) && ts.isIdentifier(n.expression)) {
        const name = n.expression.text;
        const [first] = n.arguments;
        if (first && DETAIL_CALLS.has(name)) add('detail', n, first);
        if (first && name === 'notFound') add('notFound', n, first);
      }
      if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && errorClasses.has(n.expression.text)) {
        const message = n.arguments?.[1];
        if (message) add('detail', n, message);
      }
      // zod's custom messages: .regex(re, '…'), .refine(fn, '…').
      if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) {
        const method = n.expression.name.text;
        const second = n.arguments[1];
        if ((method === 'regex' || method === 'refine') && second && !ts.isObjectLiteralExpression(second))
          add('field', n, second);
      }
      // Field errors { path, message } and zod options { message }.
      if (ts.isObjectLiteralExpression(n)) {
        const prop = (key: string) =>
          n.properties.find(
            (p) => (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) && p.name.getText() === key,
          );
        const message = prop('message');
        const isZodOption = ts.isCallExpression(n.parent) && n.parent.arguments.includes(n);
        if (message && (prop('path') || isZodOption)) {
          const value = ts.isPropertyAssignment(message)
            ? message.initializer
            : ts.isShorthandPropertyAssignment(message)
              ? message.name
              : undefined;
          if (value) add('field', message, value);
        }
      }
    });
  }
  return sites;

  /**
   * A template literal as templates without placeholders that only choose between literals
   * (`${mode === 'sample' ? 'per-sample' : 'per-hour'}` gives two), or as one exact text.
   */
  function expandTemplate(expr: ts.TemplateExpression): Message[] {
    let variants: { parts: string[]; exprs: string[] }[] = [{ parts: [expr.head.text], exprs: [] }];
    for (const span of expr.templateSpans) {
      const choices = literalChoices(span.expression);
      variants = variants.flatMap((v) =>
        choices
          ? choices.map((c) => ({
              parts: [...v.parts.slice(0, -1), v.parts.at(-1)! + c + span.literal.text],
              exprs: v.exprs,
            }))
          : [{ parts: [...v.parts, span.literal.text], exprs: [...v.exprs, span.expression.getText()] }],
      );
    }
    return variants.map((v) =>
      v.exprs.length ? { form: 'template', ...v } : { form: 'exact', text: v.parts.join('') },
    );
  }

  /** The literals a placeholder chooses between, or null when it is not such a choice. */
  function literalChoices(expr: ts.Expression): string[] | null {
    if (ts.isParenthesizedExpression(expr)) return literalChoices(expr.expression);
    if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) return [expr.text];
    if (ts.isConditionalExpression(expr)) {
      const a = literalChoices(expr.whenTrue);
      const b = literalChoices(expr.whenFalse);
      return a && b ? [...a, ...b] : null;
    }
    return null;
  }

  function returnsOf(fn: ts.Node): ts.Expression[] {
    const body = (fn as { body?: ts.Node }).body;
    if (!body) return [];
    if (!ts.isBlock(body)) return [body as ts.Expression];
    const out: ts.Expression[] = [];
    walk(body, (n) => {
      if (ts.isReturnStatement(n) && n.expression && nearestFunction(n) === fn) out.push(n.expression);
    });
    return out;
  }

  function nearestFunction(n: ts.Node): ts.Node | undefined {
    for (let p: ts.Node | undefined = n.parent; p; p = p.parent) if (isFunctionLike(p)) return p;
    return undefined;
  }
}
