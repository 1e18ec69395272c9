/*
 * sorafilm_nb._pyscan: the statement-level facts of one Python file, read in C.
 *
 * Why this exists: a cold analysis must cost at most twice `ctags -R`, and ast.parse alone
 * costs three to five times ctags (most of it building Python objects for every expression
 * node, which the scan then ignores). This module is a real tokenizer (strings, f-strings,
 * comments, brackets, continuation lines, INDENT/DEDENT with CPython's tab rules) and a
 * parser of the statement level (class, def, raise, try/except, import, __all__, blocks),
 * the same facts _scan_python._extract reads off an ast tree, at about ctags' speed.
 *
 * It is not the judge of validity: CPython's own parser is. Whenever this scanner meets
 * anything it does not fully understand or that is not valid Python 3 as far as a tokenizer
 * and statement parser can tell (an unterminated string, an unbalanced bracket, bad
 * indentation, two operands side by side as in `print "x"`, `except X, e`, `0777`, `10L`,
 * `<>`, a coding cookie other than UTF-8, invalid UTF-8, a non-ASCII identifier, very deep
 * nesting, an escaped docstring it would have to evaluate, an escape or a number that does not
 * decode, an operator missing an operand, a keyword out of place, a `try:` without a handler,
 * syntax newer than the Python it was built for...) it returns None and the caller
 * asks ast, which gives the exact result or the exact warning. So a file either gets the
 * same result ast would give (tests/analysis/test_pyscan.py checks this on every file of several
 * installed packages) or is handed to ast. The one difference left: an error only CPython's
 * grammar knows (`1 = x`, `def f((a, b))`) is not caught here, and such a file is read for
 * what it holds instead of being skipped with a warning.
 *
 * scan(data: bytes) -> None | (mod_doc, classes, functions, method_docs, raised, caught,
 *                              imported, imports, exported)
 *   docstrings are str, or bytes (the literal's source) when escapes must be evaluated by
 *   ast.literal_eval, or None;
 *   classes    [[name, line, [bases], doc, n_methods], ...]  module-level classes
 *   functions  [[name, line, doc], ...]                       module-level functions
 *   method_docs [doc, ...]                                    docstrings of their methods
 *   raised, caught {name: [count, first line]}
 *   imported [name, ...]; imports [module, ...]; exported [str, ...] (__all__)
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

/* ------------------------------------------------------------------ tokens */

enum { T_NAME, T_NUMBER, T_STRING, T_OP, T_NEWLINE, T_INDENT, T_DEDENT, T_END };

enum {
    K_NONE = 0, K_CLASS, K_DEF, K_ASYNC, K_RAISE, K_TRY, K_EXCEPT, K_FINALLY, K_IF, K_ELIF,
    K_ELSE, K_FOR, K_WHILE, K_WITH, K_IMPORT, K_FROM, K_AS, K_LAMBDA, K_CONST, K_OTHER,
    K_STMT /* pass, break, continue, return, del, assert, global, nonlocal */
};

enum {
    O_LPAR = 1, O_RPAR, O_LSQB, O_RSQB, O_LBRACE, O_RBRACE, O_COLON, O_COMMA, O_SEMI, O_DOT,
    O_EQUAL, O_AUG, O_STAR, O_DSTAR, O_AT, O_ARROW, O_ELLIPSIS, O_WALRUS, O_OTHER
};

/* string token flags */
#define SF_F 1
#define SF_B 2
#define SF_R 4
#define SF_TRIPLE 8
#define SF_ESC 16 /* a backslash in the body */
#define SF_CR 32  /* a carriage return in the body */
#define SF_NAMED 64 /* a \N{...} escape: its name is checked once the GIL is back */

typedef struct {
    unsigned char type;
    unsigned char sub;    /* keyword (T_NAME), operator (T_OP), flags (T_STRING) */
    unsigned char prefix; /* T_STRING: length of the prefix letters */
    Py_ssize_t start, end;
    int line;
} Tok;

#define MAX_BRACKETS 190   /* CPython stops at 200 ("too many nested parentheses") */
#define MAX_INDENT 95      /* CPython stops at 100 */
#define MAX_CHAIN 1000     /* operators in a row (see emit) */
#define MAX_FSTRING_NEST 8
#define MAX_SPEC_NEST 1    /* f'{x:{y:{z}}}': 3.11 refuses it, 3.12 takes one more level */

/* Before PEP 701 (3.12) an f-string is first read as a plain string, so a replacement field
 * can hold neither the quote of an enclosing string nor a backslash, and `def f[T]` and
 * `type X = ...` are syntax errors: the scanner follows the Python it is built for. */
#if PY_VERSION_HEX < 0x030C0000
#define OLD_PYTHON 1
#else
#define OLD_PYTHON 0
#endif

typedef struct {
    const unsigned char *s;
    Py_ssize_t n;
    Tok *t;
    Py_ssize_t nt, cap;
    int bail;
    int named; /* some string holds a \N{...} escape */
    PyObject *mod_doc, *classes, *functions, *mdocs, *raised, *caught, *imported, *imports,
        *exported;
} P;

static int grow(P *p)
{
    Py_ssize_t cap = p->cap ? p->cap * 2 : 1024;
    Tok *t = PyMem_RawRealloc(p->t, (size_t)cap * sizeof(Tok)); /* no GIL held */
    if (!t) {
        p->bail = 1;
        return -1;
    }
    p->t = t;
    p->cap = cap;
    return 0;
}

/* small enough to be inlined at every call (the growing is out of line) */
static inline int push_tok(P *p, int type, int sub, int prefix, Py_ssize_t a, Py_ssize_t b,
                           int line)
{
    if (p->nt == p->cap && grow(p) < 0) return -1;
    Tok *k = &p->t[p->nt++];
    k->type = (unsigned char)type;
    k->sub = (unsigned char)sub;
    k->prefix = (unsigned char)prefix;
    k->start = a;
    k->end = b;
    k->line = line;
    return 0;
}

static int is_id_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static int is_id_char(unsigned char c)
{
    return is_id_start(c) || (c >= '0' && c <= '9');
}

/* Strict UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF), as CPython decodes. */
static int valid_utf8(const unsigned char *s, Py_ssize_t n)
{
    Py_ssize_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        int len;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c == 0xE0) { len = 3; lo = 0xA0; }
        else if (c >= 0xE1 && c <= 0xEC) len = 3;
        else if (c == 0xED) { len = 3; hi = 0x9F; }
        else if (c >= 0xEE && c <= 0xEF) len = 3;
        else if (c == 0xF0) { len = 4; lo = 0x90; }
        else if (c >= 0xF1 && c <= 0xF3) len = 4;
        else if (c == 0xF4) { len = 4; hi = 0x8F; }
        else return 0;
        if (i + len > n) return 0;
        if (s[i + 1] < lo || s[i + 1] > hi) return 0;
        for (int k = 2; k < len; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF) return 0;
        i += len;
    }
    return 1;
}

/* A PEP 263 cookie in the first two lines naming anything but UTF-8: ask ast. */
static int foreign_cookie(const unsigned char *s, Py_ssize_t n, int bom)
{
    Py_ssize_t i = bom ? 3 : 0;
    for (int line = 0; line < 2 && i < n; line++) {
        Py_ssize_t e = i, c = i;
        while (e < n && s[e] != '\n' && s[e] != '\r') e++;
        while (c < e && (s[c] == ' ' || s[c] == '\t' || s[c] == '\f')) c++;
        if (c == e || s[c] != '#') c = e; /* a cookie is in a comment line (PEP 263) */
        for (Py_ssize_t k = c; k + 7 <= e; k++) {
            if (memcmp(s + k, "coding", 6) == 0 && (s[k + 6] == ':' || s[k + 6] == '=')) {
                Py_ssize_t v = k + 7;
                while (v < e && (s[v] == ' ' || s[v] == '\t')) v++;
                char name[16];
                int m = 0;
                while (v < e && m < 15 && (is_id_char(s[v]) || s[v] == '-' || s[v] == '.')) {
                    char c = (char)s[v++];
                    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
                    if (c == '_') c = '-';
                    name[m++] = c;
                }
                name[m] = 0;
                if (bom) return 1; /* CPython is particular about a BOM with a cookie */
                if (strcmp(name, "utf-8") != 0 && strcmp(name, "utf8") != 0) return 1;
            }
        }
        i = e;
        if (i < n && s[i] == '\r') i++;
        if (i < n && s[i] == '\n') i++;
    }
    return 0;
}

static int is_digit(unsigned char c, int radix)
{
    if (radix == 16) return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
    return c >= '0' && c < '0' + radix;
}

/* digit ('_'? digit)* from pos, which holds a digit: its end, or -1 for a stray '_'. */
static Py_ssize_t digit_run(const unsigned char *s, Py_ssize_t pos, Py_ssize_t n, int radix)
{
    for (;;) {
        while (pos < n && is_digit(s[pos], radix)) pos++;
        if (pos < n && s[pos] == '_') {
            if (pos + 1 < n && is_digit(s[pos + 1], radix)) {
                pos++;
                continue;
            }
            return -1;
        }
        return pos;
    }
}

static int keyword(const unsigned char *w, Py_ssize_t len)
{
#define KW(str, code) if (len == (Py_ssize_t)sizeof(str) - 1 && memcmp(w, str, len) == 0) return code
    switch (w[0]) {
    case 'F': KW("False", K_CONST); break;
    case 'N': KW("None", K_CONST); break;
    case 'T': KW("True", K_CONST); break;
    case 'a':
        KW("and", K_OTHER); KW("as", K_AS); KW("assert", K_STMT); KW("async", K_ASYNC);
        KW("await", K_OTHER); break;
    case 'b': KW("break", K_STMT); break;
    case 'c': KW("class", K_CLASS); KW("continue", K_STMT); break;
    case 'd': KW("def", K_DEF); KW("del", K_STMT); break;
    case 'e': KW("elif", K_ELIF); KW("else", K_ELSE); KW("except", K_EXCEPT); break;
    case 'f': KW("finally", K_FINALLY); KW("for", K_FOR); KW("from", K_FROM); break;
    case 'g': KW("global", K_STMT); break;
    case 'i': KW("if", K_IF); KW("import", K_IMPORT); KW("in", K_OTHER); KW("is", K_OTHER); break;
    case 'l': KW("lambda", K_LAMBDA); break;
    case 'n': KW("nonlocal", K_STMT); KW("not", K_OTHER); break;
    case 'o': KW("or", K_OTHER); break;
    case 'p': KW("pass", K_STMT); break;
    case 'r': KW("raise", K_RAISE); KW("return", K_STMT); break;
    case 't': KW("try", K_TRY); break;
    case 'w': KW("while", K_WHILE); KW("with", K_WITH); break;
    case 'y': KW("yield", K_OTHER); break;
    }
#undef KW
    return K_NONE;
}

/* String prefix flags for the letters w[0..len), or -1 when they are not a Python 3 prefix
 * this scanner reads (t-strings and `ur` included: ast decides those). */
static int prefix_flags(const unsigned char *w, Py_ssize_t len)
{
    if (len > 2) return -1;
    int f = 0, seen_u = 0;
    for (Py_ssize_t i = 0; i < len; i++) {
        unsigned char c = w[i] | 0x20;
        int bit;
        if (c == 'r') bit = SF_R;
        else if (c == 'b') bit = SF_B;
        else if (c == 'f') bit = SF_F;
        else if (c == 'u') { if (seen_u || len > 1) return -1; seen_u = 1; continue; }
        else return -1;
        if (f & bit) return -1;
        f |= bit;
    }
    if ((f & SF_B) && (f & SF_F)) return -1;
    return f;
}

/* Where a string sits: how deep in f-strings, the quotes of the strings around it (a bit
 * per quote character), and the brackets open around it (CPython counts them all). */
typedef struct {
    int nest, quotes, base;
} Ctx;

static Py_ssize_t scan_string(P *p, Py_ssize_t pos, int *flags, int *line, Ctx cx);

static int quote_bit(unsigned char q)
{
    return q == '"' ? 1 : 2;
}

/* An f-string replacement field from just after its '{' to just after its '}'; spec counts
 * the format specs it is nested in (f'{x:{y}}': y's field has spec 1). */
static Py_ssize_t scan_field(P *p, Py_ssize_t pos, unsigned char quote, int triple, int *line,
                             Ctx cx, int spec)
{
    const unsigned char *s = p->s;
    Py_ssize_t n = p->n;
    int depth = 0, seen = 0, ops = 0;
    if (cx.nest > MAX_FSTRING_NEST || ++cx.base >= MAX_BRACKETS) return -1;
    while (pos < n) {
        unsigned char c = s[pos];
        if (c == '"' || c == '\'') {
            /* a nested string, with whatever prefix letters touch it */
            Py_ssize_t b = pos;
            while (b > 0 && is_id_char(s[b - 1]) && pos - b < 3) b--;
            int f = 0;
            if (b < pos) {
                if (b > 0 && is_id_char(s[b - 1])) return -1;
                f = prefix_flags(s + b, pos - b);
                if (f < 0) return -1;
            }
            if (OLD_PYTHON && (cx.quotes & quote_bit(c))) return -1; /* ends the outer one */
            Ctx inner = {cx.nest + 1, cx.quotes | quote_bit(c), cx.base + depth};
            pos = scan_string(p, pos, &f, line, inner);
            if (pos < 0 || (OLD_PYTHON && (f & SF_ESC))) return -1;
            seen = 1;
            continue;
        }
        if (c == '\n' || c == '\r') {
            if (!triple) return -1;
            if (c == '\r' && pos + 1 < n && s[pos + 1] == '\n') pos++;
            (*line)++;
            pos++;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\f') {
            pos++;
            continue;
        }
        if (c == '#' || c == '\\') return -1;
        if (c == '(' || c == '[' || c == '{') {
            if (cx.base + ++depth >= MAX_BRACKETS) return -1;
        }
        else if (c == ')' || c == ']') {
            if (--depth < 0) return -1;
        }
        else if (c == '}') {
            if (depth == 0) return seen ? pos + 1 : -1; /* f'{}': an empty expression */
            depth--;
        }
        else if (c == '!' && depth == 0 && !(pos + 1 < n && s[pos + 1] == '=')) {
            /* a conversion: !s, !r or !a, then the spec or the end */
            if (!seen || pos + 2 >= n || !strchr("sra", s[pos + 1]) || s[pos + 1] == 0 ||
                (s[pos + 2] != '}' && s[pos + 2] != ':'))
                return -1;
            pos += 2;
            continue;
        }
        else if (c == ':' && depth == 0) {
            /* the format spec: literal text and nested fields up to this field's '}' */
            if (!seen) return -1;
            pos++;
            while (pos < n) {
                unsigned char d = s[pos];
                if (d == '{') {
                    if (spec >= MAX_SPEC_NEST) return -1; /* nested too deeply */
                    pos = scan_field(p, pos + 1, quote, triple, line, cx, spec + 1);
                    if (pos < 0) return -1;
                    continue;
                }
                if (d == '}') return pos + 1;
                if (d == quote || d == '\\' || d == '\n' || d == '\r') return -1;
                pos++;
            }
            return -1;
        }
        else if (strchr("+-*/%@&|^~<>.", c)) {
            if (++ops > MAX_CHAIN) return -1; /* CPython's parser recurses per operator */
        }
        seen = 1;
        pos++;
    }
    return -1;
}

static int hex_run(const unsigned char *s, Py_ssize_t pos, Py_ssize_t n, int len)
{
    if (pos + len > n) return 0;
    for (int k = 0; k < len; k++) {
        unsigned char c = s[pos + k];
        if (!((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'))) return 0;
    }
    return 1;
}

/* A string literal from its opening quote; returns the offset after it, or -1. */
static Py_ssize_t scan_string(P *p, Py_ssize_t pos, int *flags, int *line, Ctx cx)
{
    const unsigned char *s = p->s;
    Py_ssize_t n = p->n, open = pos;
    unsigned char q = s[pos];
    int triple = pos + 2 < n && s[pos + 1] == q && s[pos + 2] == q;
    int fstr = *flags & SF_F, raw = *flags & SF_R, bytes = *flags & SF_B, closed = 0;
    if (triple) *flags |= SF_TRIPLE;
    cx.quotes |= quote_bit(q);
    pos += triple ? 3 : 1;
    while (pos < n) {
        unsigned char c = s[pos];
        if (c == '\\') {
            *flags |= SF_ESC;
            if (pos + 1 >= n) return -1;
            unsigned char d = s[pos + 1];
            if (d == '\r' || d == '\n') {
                *flags |= (d == '\r') ? SF_CR : 0;
                (*line)++;
                pos += (d == '\r' && pos + 2 < n && s[pos + 2] == '\n') ? 3 : 2;
                continue;
            }
            if (fstr && (d == '{' || d == '}')) {
                pos += 1; /* `\{` is a backslash, then a field (or a `{{`) */
                continue;
            }
            if (!raw) { /* the escapes that do not decode are ast's to report */
                if (d == 'x' && !hex_run(s, pos + 2, n, 2)) return -1;
                if (!bytes && d == 'u' && !hex_run(s, pos + 2, n, 4)) return -1;
                if (!bytes && d == 'U') { /* eight hex digits, at most 0010FFFF */
                    const unsigned char *h = s + pos + 2;
                    if (!hex_run(s, pos + 2, n, 8) || h[0] != '0' || h[1] != '0' ||
                        !(h[2] == '0' || (h[2] == '1' && h[3] == '0')))
                        return -1;
                }
            }
            if (!raw && !bytes && d == 'N') {
                /* \N{NAME} is an escape, not a field; the name is looked up later */
                if (pos + 2 >= n || s[pos + 2] != '{') return -1;
                *flags |= SF_NAMED;
                p->named = 1;
                pos += 3;
                while (pos < n && s[pos] != '}' && s[pos] != q && s[pos] != '\n') pos++;
                if (pos >= n || s[pos] != '}') return -1;
                pos++;
                continue;
            }
            pos += 2;
            continue;
        }
        if (c == '\n' || c == '\r') {
            if (!triple) return -1;
            if (c == '\r') {
                *flags |= SF_CR;
                if (pos + 1 < n && s[pos + 1] == '\n') pos++;
            }
            (*line)++;
            pos++;
            continue;
        }
        if (c == q) {
            if (!triple) {
                pos++;
                closed = 1;
                break;
            }
            if (pos + 2 < n && s[pos + 1] == q && s[pos + 2] == q) {
                pos += 3;
                /* """a"""" : a quote right after the closing triple is another string */
                closed = 1;
                break;
            }
            pos++;
            continue;
        }
        if (fstr && c == '{') {
            if (pos + 1 < n && s[pos + 1] == '{') {
                pos += 2;
                continue;
            }
            pos = scan_field(p, pos + 1, q, triple, line, cx, 0);
            if (pos < 0) return -1;
            continue;
        }
        if (fstr && c == '}') {
            if (pos + 1 < n && s[pos + 1] == '}') {
                pos += 2;
                continue;
            }
            return -1;
        }
        pos++;
    }
    if (!closed) return -1;
    if (bytes) /* bytes can only contain ASCII literal characters */
        for (Py_ssize_t k = open; k < pos; k++)
            if (s[k] >= 0x80) return -1;
    return pos;
}

/* Does this token end an operand (so that another operand may not follow it)? */
static inline int ends_operand(const Tok *k)
{
    if (k->type == T_NAME) return k->sub == K_NONE || k->sub == K_CONST;
    if (k->type == T_NUMBER || k->type == T_STRING) return 1;
    if (k->type == T_OP)
        return k->sub == O_RPAR || k->sub == O_RSQB || k->sub == O_RBRACE || k->sub == O_ELLIPSIS;
    return 0;
}

static int is_soft_keyword(P *p, const Tok *k)
{
    Py_ssize_t len = k->end - k->start;
    const unsigned char *w = p->s + k->start;
    return (len == 5 && memcmp(w, "match", 5) == 0) || (len == 4 && memcmp(w, "case", 4) == 0) ||
           (!OLD_PYTHON && len == 4 && memcmp(w, "type", 4) == 0);
}

/* Does token i need an operand after it (`x = 1 +` then the end of the line, `f(a +)`)? */
static inline int needs_right(P *p, Py_ssize_t i)
{
    const Tok *k = &p->t[i];
    if (k->type == T_OP) {
        switch (k->sub) {
        case O_OTHER: case O_EQUAL: case O_AUG: case O_WALRUS: case O_DOT: case O_ARROW:
        case O_AT: case O_DSTAR:
            return 1;
        case O_STAR: /* but `from m import *` */
            return !(i > 0 && p->t[i - 1].type == T_NAME && p->t[i - 1].sub == K_IMPORT);
        }
        return 0;
    }
    if (k->type != T_NAME) return 0;
    switch (k->sub) {
    case K_IF: case K_ELIF: case K_ELSE: case K_WHILE: case K_FOR: case K_WITH: case K_IMPORT:
    case K_FROM: case K_AS: case K_LAMBDA: case K_CLASS: case K_DEF: case K_ASYNC: case K_TRY:
    case K_FINALLY: case K_EXCEPT:
        return 1;
    case K_OTHER: /* and, await, in, is, not, or; but a bare `yield` */
        return !(k->end - k->start == 5 && memcmp(p->s + k->start, "yield", 5) == 0);
    }
    return 0;
}

/* Keywords that only begin a statement (`async def`, `async with` aside). */
static int statement_keyword(int sub)
{
    return sub == K_CLASS || sub == K_DEF || sub == K_RAISE || sub == K_TRY || sub == K_EXCEPT ||
           sub == K_FINALLY || sub == K_ELIF || sub == K_WHILE || sub == K_WITH || sub == K_STMT;
}

/* Emit one token of a logical line, refusing two operands side by side, a statement keyword
 * inside an expression (`x = pass`) and empty statements (`;;`, `if x: ;`). */
static int emit(P *p, int type, int sub, int prefix, Py_ssize_t a, Py_ssize_t b, int line,
                Py_ssize_t *line_start, int *chain)
{
    const Tok *prev = p->nt > *line_start ? &p->t[p->nt - 1] : NULL;
    if (type == T_OP) {
        int needs_left = 0;
        switch (sub) {
        case O_SEMI:
            if (!prev || (prev->type == T_OP && (prev->sub == O_SEMI || prev->sub == O_COLON)))
                return -1;
            /* fall through */
        case O_RPAR: case O_RSQB: case O_RBRACE: case O_COMMA: case O_COLON:
            /* `f(a +)`, `x = 1 -;`, `for x in y <<=:`; but `def f(a, /)`, `def f(a, /, b)`,
             * `lambda a, /: a` and `def f(*, a)`; a keyword before ':' is `else:` or `try:` */
            if (prev && needs_right(p, p->nt - 1) && (sub != O_COLON || prev->type == T_OP)) {
                int slash = prev->end - prev->start == 1 && p->s[prev->start] == '/';
                if (!((slash && (sub == O_RPAR || sub == O_COMMA || sub == O_COLON)) ||
                      (prev->sub == O_STAR && sub == O_COMMA)))
                    return -1;
            }
            break;
        case O_EQUAL: case O_AUG: case O_WALRUS: case O_ARROW: case O_DOT:
            needs_left = 1;
            break;
        case O_OTHER: /* all binary but the unary + - ~ */
            needs_left = !(b - a == 1 && (p->s[a] == '+' || p->s[a] == '-' || p->s[a] == '~'));
            break;
        }
        /* an operator that needs an operand on its left after something that is not one
         * (`x = == y`, `**>>=`); but `a, = b`, `def f(a, /)` and `from . import` */
        if (needs_left && (!prev || !ends_operand(prev))) {
            int ok = prev && prev->type == T_OP && prev->sub == O_COMMA &&
                     (sub == O_EQUAL || (b - a == 1 && p->s[a] == '/'));
            if (prev && sub == O_DOT && p->t[*line_start].type == T_NAME &&
                p->t[*line_start].sub == K_FROM &&
                ((prev->type == T_NAME && prev->sub == K_FROM) ||
                 (prev->type == T_OP && (prev->sub == O_DOT || prev->sub == O_ELLIPSIS))))
                ok = 1;
            if (!ok) return -1;
        }
    }
    else if (type == T_NAME && prev && statement_keyword(sub) &&
             !(prev->type == T_OP && (prev->sub == O_SEMI || prev->sub == O_COLON)) &&
             !(prev->type == T_NAME && prev->sub == K_ASYNC && (sub == K_DEF || sub == K_WITH)))
        return -1; /* `x = pass`, `print(class)` */
    if (prev) {
        int starts = (type == T_NAME && (sub == K_NONE || sub == K_CONST || sub == K_LAMBDA)) ||
                     type == T_NUMBER ||
                     type == T_STRING || (type == T_OP && (sub == O_LBRACE || sub == O_ELLIPSIS));
        if (starts && ends_operand(prev)) {
            int ok = (type == T_STRING && prev->type == T_STRING) ||
                     (p->nt - 1 == *line_start && prev->type == T_NAME && is_soft_keyword(p, prev)) ||
                     /* from ...pkg import x, from ...... import x */
                     (prev->type == T_OP && prev->sub == O_ELLIPSIS &&
                      (type == T_NAME || type == T_OP) && p->t[*line_start].type == T_NAME &&
                      p->t[*line_start].sub == K_FROM);
            if (!ok) return -1;
        }
    }
    /* CPython's parser recurses once per operator of a chain (`1 + 1 + ...`, `- - x`,
     * `a.b.c...`) and gives up near 2,500: such a line is ast's to judge */
    if (type == T_OP) {
        if (sub == O_OTHER || sub == O_DOT || sub == O_STAR || sub == O_DSTAR || sub == O_AT) {
            if (++*chain > MAX_CHAIN) return -1;
        }
        else *chain = 0;
    }
    return push_tok(p, type, sub, prefix, a, b, line);
}

static int op_code(const unsigned char *s, Py_ssize_t pos, Py_ssize_t n, int *len)
{
    unsigned char c = s[pos];
    unsigned char d = pos + 1 < n ? s[pos + 1] : 0;
    unsigned char e = pos + 2 < n ? s[pos + 2] : 0;
    *len = 1;
    switch (c) {
    case '(': return O_LPAR;
    case ')': return O_RPAR;
    case '[': return O_LSQB;
    case ']': return O_RSQB;
    case '{': return O_LBRACE;
    case '}': return O_RBRACE;
    case ',': return O_COMMA;
    case ';': return O_SEMI;
    case ':':
        if (d == '=') { *len = 2; return O_WALRUS; }
        return O_COLON;
    case '.':
        if (d == '.' && e == '.') { *len = 3; return O_ELLIPSIS; }
        return O_DOT;
    case '=':
        if (d == '=') { *len = 2; return O_OTHER; }
        return O_EQUAL;
    case '@':
        if (d == '=') { *len = 2; return O_AUG; }
        return O_AT;
    case '-':
        if (d == '>') { *len = 2; return O_ARROW; }
        if (d == '=') { *len = 2; return O_AUG; }
        return O_OTHER;
    case '*':
        if (d == '*') {
            if (e == '=') { *len = 3; return O_AUG; }
            *len = 2;
            return O_DSTAR;
        }
        if (d == '=') { *len = 2; return O_AUG; }
        return O_STAR;
    case '/':
        if (d == '/') {
            if (e == '=') { *len = 3; return O_AUG; }
            *len = 2;
            return O_OTHER;
        }
        if (d == '=') { *len = 2; return O_AUG; }
        return O_OTHER;
    case '<':
    case '>':
        if (c == '<' && d == '>') return -1; /* Python 2's not-equal */
        if (d == c) {
            if (e == '=') { *len = 3; return O_AUG; }
            *len = 2;
            return O_OTHER;
        }
        if (d == '=') { *len = 2; return O_OTHER; }
        return O_OTHER;
    case '!':
        if (d == '=') { *len = 2; return O_OTHER; }
        return -1;
    case '+': case '%': case '&': case '|': case '^':
        if (d == '=') { *len = 2; return O_AUG; }
        return O_OTHER;
    case '~':
        return O_OTHER;
    }
    return -1;
}

/* Tokenize the whole file as CPython's tokenizer would; 0, or -1 to hand the file to ast. */
static int tokenize(P *p)
{
    const unsigned char *s = p->s;
    Py_ssize_t n = p->n, pos = 0;
    int line = 1, depth = 0, at_bol = 1, chain = 0;
    char brackets[MAX_BRACKETS + 2];
    /* per bracket depth: conditional expressions still waiting for their `else` (`a if b`
     * alone is refused by ast), and whether a comprehension's `for` came (its `if` filters) */
    unsigned char ifs[MAX_BRACKETS + 2], comp[MAX_BRACKETS + 2];
    int indents[MAX_INDENT + 2], alt[MAX_INDENT + 2], nind = 1;
    Py_ssize_t line_start = 0; /* index of the first token of the current logical line */
    Ctx top = {0, 0, 0};
    indents[0] = alt[0] = 0;
    memset(ifs, 0, sizeof ifs);
    memset(comp, 0, sizeof comp);
    if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) pos = 3;

    while (pos < n) {
        if (at_bol && depth == 0) {
            int col = 0, acol = 0;
            Py_ssize_t q = pos;
            for (; q < n; q++) {
                if (s[q] == ' ') { col++; acol++; }
                else if (s[q] == '\t') { col = (col / 8 + 1) * 8; acol++; }
                else if (s[q] == '\f') return -1;
                else break;
            }
            if (q >= n) { pos = q; break; }
            unsigned char c = s[q];
            if (c == '#' || c == '\n' || c == '\r') { /* a blank or comment-only line */
                while (q < n && s[q] != '\n' && s[q] != '\r') q++;
                if (q < n && s[q] == '\r' && q + 1 < n && s[q + 1] == '\n') q++;
                pos = q + 1;
                line++;
                continue;
            }
            if (c == '\\') return -1;
            if (col > indents[nind - 1]) {
                if (acol <= alt[nind - 1] || nind > MAX_INDENT) return -1;
                indents[nind] = col;
                alt[nind++] = acol;
                if (push_tok(p, T_INDENT, 0, 0, q, q, line) < 0) return -1;
            }
            else {
                while (col < indents[nind - 1]) {
                    nind--;
                    if (push_tok(p, T_DEDENT, 0, 0, q, q, line) < 0) return -1;
                }
                if (col != indents[nind - 1] || acol != alt[nind - 1]) return -1;
            }
            at_bol = 0;
            line_start = p->nt;
            chain = 0;
            pos = q;
        }
        unsigned char c = s[pos];
        if (c == ' ' || c == '\t' || c == '\f') { pos++; continue; }
        if (c == '#') {
            while (pos < n && s[pos] != '\n' && s[pos] != '\r') pos++;
            continue;
        }
        if (c == '\\') {
            Py_ssize_t q = pos + 1;
            if (q < n && s[q] == '\r') q++;
            if (q < n && s[q] == '\n') q++;
            if (q == pos + 1 || q >= n) return -1;
            line++;
            pos = q;
            continue;
        }
        if (c == '\n' || c == '\r') {
            if (c == '\r' && pos + 1 < n && s[pos + 1] == '\n') pos++;
            pos++;
            line++;
            if (depth == 0) {
                if (p->nt > line_start &&
                    (needs_right(p, p->nt - 1) || ifs[0] ||
                     push_tok(p, T_NEWLINE, 0, 0, pos, pos, line - 1) < 0))
                    return -1;
                ifs[0] = comp[0] = 0;
                line_start = p->nt;
                at_bol = 1;
            }
            continue;
        }
        if (at_bol) return -1; /* a line inside brackets cannot start here */
        if (is_id_start(c)) {
            Py_ssize_t a = pos;
            while (pos < n && is_id_char(s[pos])) {
                if (s[pos] >= 0x80) return -1; /* NFKC-normalised names: ast's business */
                pos++;
            }
            if (pos < n && (s[pos] == '"' || s[pos] == '\'')) {
                int f = prefix_flags(s + a, pos - a);
                if (f < 0) return -1;
                int tokline = line;
                top.base = depth;
                Py_ssize_t e = scan_string(p, pos, &f, &line, top);
                if (e < 0) return -1;
                if (emit(p, T_STRING, f, (int)(pos - a), a, e, tokline, &line_start, &chain) < 0)
                    return -1;
                pos = e;
                continue;
            }
            int kw = keyword(s + a, pos - a);
            if (emit(p, T_NAME, kw, 0, a, pos, line, &line_start, &chain) < 0) return -1;
            if (p->nt - 1 > line_start) { /* inside an expression, not a statement's keyword */
                const Tok *first = &p->t[line_start];
                int guard = depth == 0 && first->type == T_NAME && is_soft_keyword(p, first);
                if (kw == K_FOR) comp[depth] = 1;
                else if (kw == K_IF && !comp[depth] && !guard && ifs[depth] < 255) ifs[depth]++;
                else if (kw == K_ELSE && ifs[depth]) ifs[depth]--;
            }
            continue;
        }
        if ((c >= '0' && c <= '9') || (c == '.' && pos + 1 < n && s[pos + 1] >= '0' && s[pos + 1] <= '9')) {
            Py_ssize_t a = pos;
            int isfloat = 0;
            unsigned char x = pos + 1 < n ? (unsigned char)(s[pos + 1] | 0x20) : 0;
            if (c == '0' && (x == 'x' || x == 'o' || x == 'b')) {
                int radix = x == 'x' ? 16 : x == 'o' ? 8 : 2;
                pos += 2;
                if (pos < n && s[pos] == '_') pos++;
                if (pos >= n || !is_digit(s[pos], radix)) return -1; /* 0x, 0o8, 0b_ */
                pos = digit_run(s, pos, n, radix);
            }
            else {
                if (c != '.') pos = digit_run(s, pos, n, 10);
                if (pos >= 0 && pos < n && s[pos] == '.') {
                    isfloat = 1;
                    pos++;
                    if (pos < n && is_digit(s[pos], 10)) pos = digit_run(s, pos, n, 10);
                }
                if (pos >= 0 && pos < n && (s[pos] | 0x20) == 'e') {
                    Py_ssize_t q = pos + 1;
                    if (q < n && (s[q] == '+' || s[q] == '-')) q++;
                    if (q < n && is_digit(s[q], 10)) { /* else `1e` or `1else`: refused below */
                        isfloat = 1;
                        pos = digit_run(s, q, n, 10);
                    }
                }
                if (pos >= 0 && pos < n && (s[pos] | 0x20) == 'j') {
                    isfloat = 1;
                    pos++;
                }
                if (pos >= 0 && !isfloat && c == '0') /* 0777: Python 2's octal */
                    for (Py_ssize_t k = a; k < pos; k++)
                        if (s[k] >= '1' && s[k] <= '9') return -1;
            }
            if (pos < 0) return -1;                       /* 1_, 1__0 */
            if (pos < n && is_id_char(s[pos])) return -1; /* 10L, 1if, 0x1g, 1.e, 1_ */
            if (emit(p, T_NUMBER, 0, 0, a, pos, line, &line_start, &chain) < 0) return -1;
            continue;
        }
        if (c == '"' || c == '\'') {
            int f = 0, tokline = line;
            top.base = depth;
            Py_ssize_t e = scan_string(p, pos, &f, &line, top);
            if (e < 0) return -1;
            if (emit(p, T_STRING, f, 0, pos, e, tokline, &line_start, &chain) < 0) return -1;
            pos = e;
            continue;
        }
        int len;
        int op = op_code(s, pos, n, &len);
        if (op < 0) return -1;
        if (op == O_LPAR || op == O_LSQB || op == O_LBRACE) {
            if (depth >= MAX_BRACKETS) return -1;
            brackets[depth++] = (char)op;
            ifs[depth] = comp[depth] = 0;
        }
        else if (op == O_RPAR || op == O_RSQB || op == O_RBRACE) {
            if (depth == 0 || brackets[depth - 1] != op - 1 || ifs[depth]) return -1;
            depth--;
        }
        if (emit(p, T_OP, op, 0, pos, pos + len, line, &line_start, &chain) < 0) return -1;
        pos += len;
    }
    if (depth != 0) return -1;
    if (p->nt > line_start &&
        (needs_right(p, p->nt - 1) || ifs[0] || push_tok(p, T_NEWLINE, 0, 0, n, n, line) < 0))
        return -1;
    while (nind > 1) {
        nind--;
        if (push_tok(p, T_DEDENT, 0, 0, n, n, line) < 0) return -1;
    }
    return push_tok(p, T_END, 0, 0, n, n, line);
}

/* ------------------------------------------------------------------ parser helpers */

#define TK(i) (p->t[i])
#define IS_OP(i, o) (TK(i).type == T_OP && TK(i).sub == (o))
#define IS_KW(i, k) (TK(i).type == T_NAME && TK(i).sub == (k))
#define IS_ID(i) (TK(i).type == T_NAME && TK(i).sub == K_NONE)

static int tok_is(P *p, Py_ssize_t i, const char *w)
{
    Py_ssize_t len = (Py_ssize_t)strlen(w);
    return TK(i).end - TK(i).start == len && memcmp(p->s + TK(i).start, w, (size_t)len) == 0;
}

static PyObject *tok_str(P *p, Py_ssize_t i)
{
    return PyUnicode_DecodeUTF8((const char *)p->s + TK(i).start, TK(i).end - TK(i).start, NULL);
}

/* The index of the bracket closing the one at i (tokens are balanced: the tokenizer checked). */
static Py_ssize_t closing(P *p, Py_ssize_t i)
{
    int depth = 0;
    for (;; i++) {
        if (TK(i).type == T_END) return i;
        if (TK(i).type != T_OP) continue;
        int o = TK(i).sub;
        if (o == O_LPAR || o == O_LSQB || o == O_LBRACE) depth++;
        else if (o == O_RPAR || o == O_RSQB || o == O_RBRACE) {
            if (--depth == 0) return i;
        }
    }
}

static Py_ssize_t line_end(P *p, Py_ssize_t i)
{
    while (TK(i).type != T_NEWLINE && TK(i).type != T_END) i++;
    return i;
}

/* The next top-level token in [i, b) with operator o (or keyword k when o is 0); b if none. */
static Py_ssize_t find_top(P *p, Py_ssize_t i, Py_ssize_t b, int o, int k)
{
    while (i < b) {
        if (TK(i).type == T_OP) {
            int s = TK(i).sub;
            if (o && s == o) return i;
            if (s == O_LPAR || s == O_LSQB || s == O_LBRACE) {
                i = closing(p, i) + 1;
                continue;
            }
        }
        else if (!o && TK(i).type == T_NAME && TK(i).sub == k) return i;
        i++;
    }
    return b;
}

/* The colon ending a compound statement's header (a top-level lambda's colon skipped). */
static Py_ssize_t header_colon(P *p, Py_ssize_t i, Py_ssize_t b)
{
    int lambdas = 0;
    while (i < b) {
        if (TK(i).type == T_OP) {
            int s = TK(i).sub;
            if (s == O_COLON) {
                if (!lambdas) return i;
                lambdas--;
            }
            else if (s == O_LPAR || s == O_LSQB || s == O_LBRACE) {
                i = closing(p, i) + 1;
                continue;
            }
        }
        else if (IS_KW(i, K_LAMBDA)) lambdas++;
        i++;
    }
    return -1;
}

/* A primary `name(.attr | (...) | [...])*` from i: its end and the shape of its trailers.
 * kinds[k] is '.', '(' or '['; pos[k] the token of the attribute name or the bracket. */
#define MAX_TRAILERS 64
typedef struct {
    Py_ssize_t end;
    int n;
    char kinds[MAX_TRAILERS];
    Py_ssize_t pos[MAX_TRAILERS];
} Primary;

static int primary(P *p, Py_ssize_t i, Py_ssize_t b, Primary *pr)
{
    if (i >= b) return 0;
    if (IS_OP(i, O_LPAR)) {
        p->bail = 1; /* a parenthesised name: rare enough to leave to ast */
        return 0;
    }
    if (!IS_ID(i)) return 0;
    pr->n = 0;
    i++;
    while (i < b) {
        if (pr->n >= MAX_TRAILERS) {
            p->bail = 1;
            return 0;
        }
        if (IS_OP(i, O_DOT) && i + 1 < b && TK(i + 1).type == T_NAME) {
            pr->kinds[pr->n] = '.';
            pr->pos[pr->n++] = i + 1;
            i += 2;
        }
        else if (IS_OP(i, O_LPAR) || IS_OP(i, O_LSQB)) {
            pr->kinds[pr->n] = IS_OP(i, O_LPAR) ? '(' : '[';
            pr->pos[pr->n++] = i;
            i = closing(p, i) + 1;
        }
        else break;
    }
    pr->end = i;
    return 1;
}

/* _scan_python._exc_name on the expression [i, b): a CapWords class name, or NULL. */
static PyObject *exc_name(P *p, Py_ssize_t i, Py_ssize_t b)
{
    Primary pr;
    if (!primary(p, i, b, &pr) || pr.end != b) return NULL;
    int n = pr.n;
    if (n && pr.kinds[n - 1] == '(') n--; /* a call: look at what is called */
    Py_ssize_t name;
    if (n == 0) name = i;
    else if (pr.kinds[n - 1] == '.') name = pr.pos[n - 1];
    else return NULL;
    unsigned char c = p->s[TK(name).start];
    if (!(c >= 'A' && c <= 'Z')) return NULL;
    return tok_str(p, name);
}

/* _scan_python._dotted on a class base [i, b): "a.b.C", "" when it is not a name chain. */
static PyObject *dotted(P *p, Py_ssize_t i, Py_ssize_t b)
{
    Primary pr;
    if (!primary(p, i, b, &pr) || pr.end != b) return PyUnicode_FromString("");
    int n = pr.n;
    /* strip calls and subscripts at the end; an attribute after one of them is dropped too,
     * as _dotted does (`a[T].b` -> "a") */
    for (;;) {
        int k = n;
        while (k > 0 && pr.kinds[k - 1] == '.') k--;
        if (k == 0) break;
        n = k - 1;
    }
    /* the name and its attributes, however long (the tokens are ASCII: see tokenize) */
    Py_ssize_t len = TK(i).end - TK(i).start;
    for (int k = 0; k < n; k++) len += 1 + TK(pr.pos[k]).end - TK(pr.pos[k]).start;
    PyObject *r = PyUnicode_New(len, 127);
    if (!r) return NULL;
    char *buf = (char *)PyUnicode_DATA(r);
    len = TK(i).end - TK(i).start;
    memcpy(buf, p->s + TK(i).start, (size_t)len);
    for (int k = 0; k < n; k++) {
        Py_ssize_t t = pr.pos[k], tl = TK(t).end - TK(t).start;
        buf[len++] = '.';
        memcpy(buf + len, p->s + TK(t).start, (size_t)tl);
        len += tl;
    }
    return r;
}

/* The value of the run of string tokens [a, b): str; bytes holding the source when escapes
 * must be evaluated (by ast.literal_eval); Py_None when it is not a str constant (an
 * f-string, bytes); NULL with p->bail set when ast must judge (bytes mixed with str). */
static PyObject *string_value(P *p, Py_ssize_t a, Py_ssize_t b)
{
    int any_f = 0, any_b = 0, all_b = 1, escapes = 0;
    Py_ssize_t total = 0;
    for (Py_ssize_t i = a; i < b; i++) {
        int f = TK(i).sub;
        any_f |= f & SF_F;
        if (f & SF_B) any_b = 1;
        else all_b = 0;
        if (!(f & SF_R) && (f & SF_ESC)) escapes = 1;
        total += TK(i).end - TK(i).start;
    }
    if (any_b && !all_b) {
        p->bail = 1;
        return NULL;
    }
    if (any_f || any_b) Py_RETURN_NONE;
    if (escapes)
        return PyBytes_FromStringAndSize((const char *)p->s + TK(a).start,
                                         TK(b - 1).end - TK(a).start);
    char *buf = PyMem_Malloc((size_t)total + 1);
    if (!buf) {
        p->bail = 1;
        return NULL;
    }
    Py_ssize_t len = 0;
    for (Py_ssize_t i = a; i < b; i++) {
        int f = TK(i).sub, ql = (f & SF_TRIPLE) ? 3 : 1;
        Py_ssize_t x = TK(i).start + TK(i).prefix + ql, y = TK(i).end - ql;
        if (f & SF_CR) { /* the tokenizer turns \r\n and \r into \n */
            for (Py_ssize_t k = x; k < y; k++) {
                unsigned char c = p->s[k];
                if (c == '\r') {
                    buf[len++] = '\n';
                    if (k + 1 < y && p->s[k + 1] == '\n') k++;
                }
                else buf[len++] = (char)c;
            }
        }
        else {
            memcpy(buf + len, p->s + x, (size_t)(y - x));
            len += y - x;
        }
    }
    PyObject *r = PyUnicode_DecodeUTF8(buf, len, NULL);
    PyMem_Free(buf);
    if (!r) {
        PyErr_Clear();
        p->bail = 1;
    }
    return r;
}

/* The statement [a, b) as a docstring: a str/bytes value, Py_None, or NULL (bail). */
static PyObject *docstring(P *p, Py_ssize_t a, Py_ssize_t b)
{
    if (a >= b) Py_RETURN_NONE;
    if (IS_OP(a, O_LPAR)) {
        /* ("docstring") is a docstring too; leave the rare parenthesised form to ast */
        Py_ssize_t c = closing(p, a);
        if (c == b - 1 && a + 1 < c && TK(a + 1).type == T_STRING) {
            p->bail = 1;
            return NULL;
        }
        Py_RETURN_NONE;
    }
    for (Py_ssize_t i = a; i < b; i++)
        if (TK(i).type != T_STRING) Py_RETURN_NONE;
    return string_value(p, a, b);
}

static int tally(P *p, PyObject *table, PyObject *name, int line)
{
    PyObject *entry = PyDict_GetItemWithError(table, name);
    if (entry) {
        PyObject *count = PyLong_FromSsize_t(PyLong_AsSsize_t(PyList_GET_ITEM(entry, 0)) + 1);
        if (!count) return -1;
        PyList_SetItem(entry, 0, count);
        return 0;
    }
    if (PyErr_Occurred()) return -1;
    entry = Py_BuildValue("[ni]", (Py_ssize_t)1, line);
    if (!entry) return -1;
    int r = PyDict_SetItem(table, name, entry);
    Py_DECREF(entry);
    (void)p;
    return r;
}

static int append_new(PyObject *list, PyObject *item)
{
    if (!item) return -1;
    int r = PyList_Append(list, item);
    Py_DECREF(item);
    return r;
}

/* ------------------------------------------------------------------ statements */

typedef struct {
    PyObject *doc; /* new reference or NULL */
    int n_defs;
} Body;

static Py_ssize_t block(P *p, Py_ssize_t i, int depth, Body *body);

static int do_raise(P *p, Py_ssize_t a, Py_ssize_t b)
{
    if (a + 1 >= b) return 0; /* a bare re-raise */
    Py_ssize_t end = find_top(p, a + 1, b, 0, K_FROM);
    if (find_top(p, a + 1, end, O_COMMA, 0) < end) {
        p->bail = 1; /* raise E, "message": Python 2 */
        return -1;
    }
    PyObject *name = exc_name(p, a + 1, end);
    if (!name) return p->bail || PyErr_Occurred() ? -1 : 0;
    int r = tally(p, p->raised, name, TK(a).line);
    Py_DECREF(name);
    return r;
}

static int do_except(P *p, Py_ssize_t a, Py_ssize_t colon)
{
    Py_ssize_t i = a + 1;
    if (i < colon && IS_OP(i, O_STAR)) i++;
    Py_ssize_t end = find_top(p, i, colon, 0, K_AS);
    if (i >= end) return 0; /* a bare except */
    Py_ssize_t lo = i, hi = end;
    int tuple = 0;
    if (IS_OP(i, O_LPAR) && closing(p, i) == end - 1) {
        lo = i + 1;
        hi = end - 1;
        if (lo >= hi) return 0; /* except (): */
        tuple = find_top(p, lo, hi, O_COMMA, 0) < hi;
        if (!tuple && IS_OP(lo, O_LPAR)) {
            p->bail = 1;
            return -1;
        }
    }
    else if (find_top(p, i, end, O_COMMA, 0) < end) {
        p->bail = 1; /* except X, e: Python 2 (or 3.14's unparenthesised tuple): ast decides */
        return -1;
    }
    int line = TK(a).line;
    while (lo < hi) {
        Py_ssize_t e = tuple ? find_top(p, lo, hi, O_COMMA, 0) : hi;
        if (e > lo) {
            PyObject *name = exc_name(p, lo, e);
            if (p->bail || PyErr_Occurred()) {
                Py_XDECREF(name);
                return -1;
            }
            if (name) {
                int r = tally(p, p->caught, name, line);
                Py_DECREF(name);
                if (r < 0) return -1;
            }
        }
        lo = e + 1;
    }
    return 0;
}

/* A dotted name `a.b.c` from i into buf (with room for len more); returns its end. */
static Py_ssize_t dotted_name(P *p, Py_ssize_t i, Py_ssize_t b, char *buf, Py_ssize_t *len,
                              Py_ssize_t cap)
{
    for (;;) {
        if (i >= b || TK(i).type != T_NAME || TK(i).sub != K_NONE) {
            p->bail = 1;
            return -1;
        }
        Py_ssize_t tl = TK(i).end - TK(i).start;
        if (*len + tl + 1 >= cap) {
            p->bail = 1;
            return -1;
        }
        memcpy(buf + *len, p->s + TK(i).start, (size_t)tl);
        *len += tl;
        i++;
        if (i < b && IS_OP(i, O_DOT)) {
            buf[(*len)++] = '.';
            i++;
            continue;
        }
        return i;
    }
}

static int do_import(P *p, Py_ssize_t a, Py_ssize_t b)
{
    char buf[1024];
    Py_ssize_t len, i = a + 1;
    if (IS_KW(a, K_IMPORT)) {
        while (i < b) {
            len = 0;
            i = dotted_name(p, i, b, buf, &len, sizeof buf);
            if (i < 0) return -1;
            if (append_new(p->imports, PyUnicode_DecodeUTF8(buf, len, NULL)) < 0) return -1;
            if (i < b && IS_KW(i, K_AS)) {
                if (i + 1 >= b || !IS_ID(i + 1)) goto bad;
                i += 2;
            }
            if (i < b) {
                if (!IS_OP(i, O_COMMA) || i + 1 == b) goto bad; /* `import a,` */
                i++;
            }
        }
        return 0;
    }
    /* from [.]* [module] import names */
    len = 0;
    while (i < b && (IS_OP(i, O_DOT) || IS_OP(i, O_ELLIPSIS))) {
        Py_ssize_t dots = IS_OP(i, O_DOT) ? 1 : 3;
        if (len + dots >= (Py_ssize_t)sizeof buf) goto bad;
        memset(buf + len, '.', (size_t)dots);
        len += dots;
        i++;
    }
    if (i < b && !IS_KW(i, K_IMPORT)) {
        i = dotted_name(p, i, b, buf, &len, sizeof buf - 2);
        if (i < 0) return -1;
        if (append_new(p->imports, PyUnicode_DecodeUTF8(buf, len, NULL)) < 0) return -1;
    }
    if (i >= b || !IS_KW(i, K_IMPORT)) goto bad;
    i++;
    int parens = i < b && IS_OP(i, O_LPAR);
    if (parens) {
        if (closing(p, i) != b - 1) goto bad;
        i++;
        b--;
    }
    if (len && buf[len - 1] != '.') buf[len++] = '.';
    if (i >= b) goto bad;
    while (i < b) {
        Py_ssize_t nl;
        if (IS_OP(i, O_STAR)) nl = 1;
        else if (IS_ID(i)) nl = TK(i).end - TK(i).start;
        else goto bad;
        if (len + nl >= (Py_ssize_t)sizeof buf) goto bad;
        memcpy(buf + len, p->s + TK(i).start, (size_t)nl);
        if (append_new(p->imports, PyUnicode_DecodeUTF8(buf, len + nl, NULL)) < 0) return -1;
        if (append_new(p->imported, tok_str(p, i)) < 0) return -1;
        i++;
        if (i < b && IS_KW(i, K_AS)) {
            if (i + 1 >= b || !IS_ID(i + 1)) goto bad;
            i += 2;
        }
        if (i < b) {
            if (!IS_OP(i, O_COMMA) || (i + 1 == b && !parens)) goto bad; /* `import a,` */
            i++;
        }
    }
    return 0;
bad:
    p->bail = 1;
    return -1;
}

/* Drop parentheses that wrap all of [*a, *b) around a single expression. */
static void unwrap(P *p, Py_ssize_t *a, Py_ssize_t *b)
{
    while (*a < *b && IS_OP(*a, O_LPAR) && closing(p, *a) == *b - 1 && *a + 1 < *b - 1 &&
           find_top(p, *a + 1, *b - 1, O_COMMA, 0) == *b - 1)
        (*a)++, (*b)--;
}

/* _scan_python._str_list: the str constants of a literal list or tuple [a, b). */
static int str_list(P *p, Py_ssize_t a, Py_ssize_t b)
{
    unwrap(p, &a, &b);
    if (a >= b) return 0;
    Py_ssize_t lo = a, hi = b;
    if ((IS_OP(a, O_LSQB) || IS_OP(a, O_LPAR)) && closing(p, a) == b - 1) {
        lo = a + 1;
        hi = b - 1;
        if (IS_OP(a, O_LPAR) && lo < hi && find_top(p, lo, hi, O_COMMA, 0) == hi) return 0;
    }
    else if (find_top(p, a, b, O_COMMA, 0) == b) return 0; /* not a tuple either */
    if (find_top(p, lo, hi, 0, K_FOR) < hi) return 0;       /* a comprehension */
    while (lo < hi) {
        Py_ssize_t e = find_top(p, lo, hi, O_COMMA, 0), x = lo, y = e;
        unwrap(p, &x, &y);
        int strings = x < y;
        for (Py_ssize_t k = x; k < y; k++)
            if (TK(k).type != T_STRING) strings = 0;
        if (strings) {
            PyObject *v = string_value(p, x, y);
            if (!v) return -1;
            if (PyBytes_Check(v)) { /* escapes in __all__: let ast evaluate them */
                Py_DECREF(v);
                p->bail = 1;
                return -1;
            }
            if (v == Py_None) Py_DECREF(v);
            else if (append_new(p->exported, v) < 0) return -1;
        }
        lo = e + 1;
    }
    return 0;
}

/* Is [a, b) the name __all__, parenthesised or not (ast's Name target)? */
static int all_target(P *p, Py_ssize_t a, Py_ssize_t b)
{
    unwrap(p, &a, &b);
    return b == a + 1 && tok_is(p, a, "__all__");
}

static int do_assign(P *p, Py_ssize_t a, Py_ssize_t b)
{
    Py_ssize_t aug = find_top(p, a, b, O_AUG, 0);
    if (aug < b) return all_target(p, a, aug) ? str_list(p, aug + 1, b) : 0;
    Py_ssize_t eq = find_top(p, a, b, O_EQUAL, 0);
    if (eq == b) return 0;
    int target = 0;
    Py_ssize_t seg = a, last = a;
    while (eq < b) {
        if (all_target(p, seg, eq)) target = 1;
        seg = eq + 1;
        last = seg;
        eq = find_top(p, seg, b, O_EQUAL, 0);
    }
    return target ? str_list(p, last, b) : 0;
}

/* One simple statement [a, b). */
static int simple(P *p, Py_ssize_t a, Py_ssize_t b, int depth)
{
    if (a >= b) return 0;
    if (IS_KW(a, K_RAISE)) return do_raise(p, a, b);
    if (IS_KW(a, K_IMPORT) || IS_KW(a, K_FROM)) return do_import(p, a, b);
    if (depth == 0) { /* __all__ = [...], x = __all__ = [...], (__all__) += [...] */
        for (Py_ssize_t i = a; i < b; i++)
            if (TK(i).type == T_NAME && tok_is(p, i, "__all__")) return do_assign(p, a, b);
    }
    return 0;
}

/* The simple statements [a, b) split at top-level ';'; the first one's docstring into body. */
static int simples(P *p, Py_ssize_t a, Py_ssize_t b, int depth, Body *body)
{
    int first = 1;
    while (a < b) {
        Py_ssize_t e = find_top(p, a, b, O_SEMI, 0);
        if (first && body) {
            body->doc = docstring(p, a, e);
            if (!body->doc) return -1;
        }
        first = 0;
        if (simple(p, a, e, depth) < 0) return -1;
        a = e + 1;
    }
    return 0;
}

/* The body after a header's colon at index colon, on the line ending at nl. */
static Py_ssize_t suite(P *p, Py_ssize_t colon, Py_ssize_t nl, int depth, Body *body)
{
    if (colon + 1 < nl) {
        if (simples(p, colon + 1, nl, depth, body) < 0) return -1;
        return nl + 1;
    }
    if (TK(nl + 1).type != T_INDENT) {
        p->bail = 1; /* expected an indented block */
        return -1;
    }
    return block(p, nl + 2, depth, body);
}

static int inner(int depth)
{
    return depth == 1 ? 2 : depth;
}

/* The statement starting at i; returns the index after it. */
static Py_ssize_t statement(P *p, Py_ssize_t i, int depth, Body *body, int first)
{
    Py_ssize_t nl;
    int decorated = 0;
    while (IS_OP(i, O_AT)) { /* decorators belong to the def or class below them */
        nl = line_end(p, i);
        if (TK(nl).type != T_NEWLINE) goto bad;
        i = nl + 1;
        decorated = 1;
    }
    if (TK(i).type == T_INDENT || TK(i).type == T_DEDENT || TK(i).type == T_NEWLINE) goto bad;
    nl = line_end(p, i);
    if (TK(nl).type != T_NEWLINE) goto bad;
    Py_ssize_t k = i;
    if (IS_KW(k, K_ASYNC) && k + 1 < nl &&
        (IS_KW(k + 1, K_DEF) || IS_KW(k + 1, K_FOR) || IS_KW(k + 1, K_WITH)))
        k++;
    if (decorated && !IS_KW(k, K_DEF) && !IS_KW(k, K_CLASS)) goto bad; /* @d then `x = 1` */
    if (IS_KW(k, K_DEF) || IS_KW(k, K_CLASS)) {
        int is_class = IS_KW(k, K_CLASS);
        Py_ssize_t name = k + 1, j = k + 2;
        if (name >= nl || !IS_ID(name)) goto bad;
        if (j < nl && IS_OP(j, O_LSQB)) { /* type parameters (Python 3.12) */
            if (OLD_PYTHON) goto bad;
            j = closing(p, j) + 1;
        }
        Py_ssize_t args_lo = -1, args_hi = -1;
        if (j < nl && IS_OP(j, O_LPAR)) {
            args_lo = j + 1;
            args_hi = closing(p, j);
            j = args_hi + 1;
        }
        else if (!is_class) goto bad;
        Py_ssize_t colon = is_class ? j : header_colon(p, j, nl);
        if (colon < 0 || colon >= nl || !IS_OP(colon, O_COLON)) goto bad;
        if (!is_class && colon != j && !IS_OP(j, O_ARROW)) goto bad;
        if (body && body->n_defs >= 0 && !is_class) body->n_defs++;
        Body own = {NULL, 0};
        Py_ssize_t after = suite(p, colon, nl, is_class ? (depth == 0 ? 1 : 2) : 2, &own);
        if (after < 0) {
            Py_XDECREF(own.doc);
            return -1;
        }
        PyObject *doc = own.doc ? own.doc : Py_None;
        if (!own.doc) Py_INCREF(doc);
        int r = 0;
        int line = TK(i).line;
        if (is_class && depth == 0) {
            PyObject *bases = PyList_New(0);
            if (!bases) r = -1;
            for (Py_ssize_t a = args_lo; r == 0 && args_lo >= 0 && a < args_hi;) {
                Py_ssize_t e = find_top(p, a, args_hi, O_COMMA, 0);
                int keyword_arg = (a + 1 < e && IS_OP(a + 1, O_EQUAL)) || IS_OP(a, O_DSTAR) ||
                                  IS_OP(a, O_STAR);
                if (e > a && !keyword_arg) {
                    PyObject *d = dotted(p, a, e);
                    if (!d) r = -1;
                    else if (PyUnicode_GET_LENGTH(d) == 0) Py_DECREF(d);
                    else r = append_new(bases, d);
                }
                a = e + 1;
            }
            if (p->bail) r = -1;
            if (r == 0)
                r = append_new(p->classes, Py_BuildValue("[NiNOi]", tok_str(p, name), line, bases,
                                                         doc, own.n_defs));
            else Py_XDECREF(bases);
        }
        else if (!is_class && depth == 0)
            r = append_new(p->functions, Py_BuildValue("[NiO]", tok_str(p, name), line, doc));
        else if (!is_class && depth == 1 && doc != Py_None)
            r = PyList_Append(p->mdocs, doc);
        Py_DECREF(doc);
        return r < 0 ? -1 : after;
    }
    int kw = TK(k).type == T_NAME ? TK(k).sub : -1;
    int compound = kw == K_IF || kw == K_ELIF || kw == K_ELSE || kw == K_WHILE || kw == K_FOR ||
                   kw == K_WITH || kw == K_TRY || kw == K_EXCEPT || kw == K_FINALLY;
    if (!compound && kw == K_NONE && tok_is(p, k, "match")) {
        /* a soft keyword: a statement only when the line is a header opening a block, which
         * then holds `case` clauses only (a `case` anywhere else is a name) */
        Py_ssize_t c = header_colon(p, k + 1, nl);
        if (c == nl - 1 && c > k + 1 && TK(nl + 1).type == T_INDENT) {
            if (first && body) {
                body->doc = Py_None;
                Py_INCREF(Py_None);
            }
            i = nl + 2;
            do {
                if (!IS_ID(i) || !tok_is(p, i, "case")) goto bad;
                nl = line_end(p, i);
                if (TK(nl).type != T_NEWLINE) goto bad;
                c = header_colon(p, i + 1, nl);
                if (c <= i + 1) goto bad; /* no colon, or no pattern */
                i = suite(p, c, nl, inner(depth), NULL);
                if (i < 0) return -1;
            } while (TK(i).type != T_DEDENT && TK(i).type != T_END);
            return TK(i).type == T_DEDENT ? i + 1 : i;
        }
    }
    if (compound) {
        Py_ssize_t colon = header_colon(p, k + 1, nl);
        if (colon < 0) goto bad;
        if (kw == K_EXCEPT && do_except(p, k, colon) < 0) return -1;
        if (first && body) {
            body->doc = Py_None;
            Py_INCREF(Py_None);
        }
        return suite(p, colon, nl, inner(depth), NULL);
    }
    if (IS_OP(nl - 1, O_COLON)) goto bad; /* `x = 1 :`: a header without its statement */
    if (simples(p, i, nl, depth, first ? body : NULL) < 0) return -1;
    return nl + 1;
bad:
    p->bail = 1;
    return -1;
}

/* Statements from i until the DEDENT closing this block (or the end); returns past it. */
enum { C_NONE, C_TRY, C_EXCEPT, C_TRY_ELSE, C_IF, C_LOOP };

/* The clause that opens the statement at i (K_*), `async for` read as `for`. */
static int clause(P *p, Py_ssize_t i)
{
    if (TK(i).type != T_NAME) return -1;
    if (TK(i).sub == K_ASYNC && TK(i + 1).type == T_NAME) return TK(i + 1).sub;
    return TK(i).sub;
}

static Py_ssize_t block(P *p, Py_ssize_t i, int depth, Body *body)
{
    int first = 1, prev = C_NONE;
    while (TK(i).type != T_DEDENT && TK(i).type != T_END) {
        int defs_before = body ? body->n_defs : 0;
        /* the clauses of try, if, for and while in their order: a `try:` without a handler,
         * a stray `else:` or `except:`, are syntax errors the tokens show */
        int kw = clause(p, i), next = C_NONE;
        if (prev == C_TRY && kw != K_EXCEPT && kw != K_FINALLY) goto bad;
        if (kw == K_EXCEPT) {
            if (prev != C_TRY && prev != C_EXCEPT) goto bad;
            next = C_EXCEPT;
        }
        else if (kw == K_FINALLY) {
            if (prev != C_TRY && prev != C_EXCEPT && prev != C_TRY_ELSE) goto bad;
        }
        else if (kw == K_ELSE) {
            if (prev == C_EXCEPT) next = C_TRY_ELSE;
            else if (prev != C_IF && prev != C_LOOP) goto bad;
        }
        else if (kw == K_ELIF) {
            if (prev != C_IF) goto bad;
            next = C_IF;
        }
        else if (kw == K_IF) next = C_IF;
        else if (kw == K_FOR || kw == K_WHILE) next = C_LOOP;
        else if (kw == K_TRY) next = C_TRY;
        prev = next;
        i = statement(p, i, depth, body, first);
        if (i < 0) return -1;
        if (first && body && !body->doc) {
            body->doc = Py_None; /* the first statement was a def or class */
            Py_INCREF(Py_None);
        }
        (void)defs_before;
        first = 0;
    }
    if (prev == C_TRY) goto bad;
    return TK(i).type == T_DEDENT ? i + 1 : i;
bad:
    p->bail = 1;
    return -1;
}

/* ------------------------------------------------------------------ module */

static void release(P *p)
{
    PyMem_RawFree(p->t);
    p->t = NULL;
    Py_CLEAR(p->mod_doc);
    Py_CLEAR(p->classes);
    Py_CLEAR(p->functions);
    Py_CLEAR(p->mdocs);
    Py_CLEAR(p->raised);
    Py_CLEAR(p->caught);
    Py_CLEAR(p->imported);
    Py_CLEAR(p->imports);
    Py_CLEAR(p->exported);
}

/* Do the \N{NAME} escapes of the file name characters? 1, 0 (ast must report them), -1. */
static int names_known(P *p)
{
    if (!p->named) return 1;
    for (Py_ssize_t t = 0; t < p->nt; t++) {
        if (p->t[t].type != T_STRING || !(p->t[t].sub & SF_NAMED)) continue;
        const unsigned char *s = p->s;
        for (Py_ssize_t k = p->t[t].start; k + 1 < p->t[t].end; k++) {
            if (s[k] != '\\') continue;
            if (s[k + 1] == 'N' && k + 2 < p->t[t].end && s[k + 2] == '{') {
                Py_ssize_t e = k + 3;
                while (e < p->t[t].end && s[e] != '}') e++;
                if (e >= p->t[t].end) return 0; /* not an escape we know: ast decides */
                PyObject *ch = PyUnicode_DecodeUnicodeEscape((const char *)s + k, e + 1 - k, NULL);
                if (!ch) {
                    if (!PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) return -1;
                    PyErr_Clear();
                    return 0;
                }
                Py_DECREF(ch);
                k = e;
            }
            else k++; /* an escaped character, maybe a backslash */
        }
    }
    return 1;
}

static PyObject *scan(PyObject *self, PyObject *arg)
{
    (void)self;
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) return NULL;
    P p;
    memset(&p, 0, sizeof p);
    p.s = view.buf;
    p.n = view.len;
    PyObject *result = NULL;
    int bom = p.n >= 3 && memcmp(p.s, "\xEF\xBB\xBF", 3) == 0;
    if (memchr(p.s, 0, (size_t)p.n) || !valid_utf8(p.s, p.n) || foreign_cookie(p.s, p.n, bom))
        goto ask_ast;
    int ok;
    Py_BEGIN_ALLOW_THREADS
    ok = tokenize(&p);
    Py_END_ALLOW_THREADS
    if (ok < 0 || p.bail) goto ask_ast;
    ok = names_known(&p);
    if (ok < 0) goto fail;
    if (ok == 0) goto ask_ast;
    p.classes = PyList_New(0);
    p.functions = PyList_New(0);
    p.mdocs = PyList_New(0);
    p.raised = PyDict_New();
    p.caught = PyDict_New();
    p.imported = PyList_New(0);
    p.imports = PyList_New(0);
    p.exported = PyList_New(0);
    if (!p.classes || !p.functions || !p.mdocs || !p.raised || !p.caught || !p.imported ||
        !p.imports || !p.exported)
        goto fail;
    Body mod = {NULL, -1};
    Py_ssize_t end = block(&p, 0, 0, &mod);
    p.mod_doc = mod.doc;
    if (end < 0 || p.bail) {
        if (PyErr_Occurred()) {
            if (!PyErr_ExceptionMatches(PyExc_MemoryError) &&
                !PyErr_ExceptionMatches(PyExc_UnicodeDecodeError))
                goto fail;
            PyErr_Clear();
        }
        goto ask_ast;
    }
    if (p.t[end].type != T_END) goto ask_ast; /* a stray DEDENT: unindent mismatch */
    if (!p.mod_doc) {
        p.mod_doc = Py_None;
        Py_INCREF(Py_None);
    }
    result = PyTuple_Pack(9, p.mod_doc, p.classes, p.functions, p.mdocs, p.raised, p.caught,
                          p.imported, p.imports, p.exported);
    release(&p);
    PyBuffer_Release(&view);
    return result;
ask_ast:
    release(&p);
    PyBuffer_Release(&view);
    Py_RETURN_NONE;
fail:
    release(&p);
    PyBuffer_Release(&view);
    return NULL;
}

/* ------------------------------------------------------------------ identifiers
 *
 * identifiers(data: bytes) -> str: every distinct identifier-like token of 3+ characters,
 * space-separated, in order of first occurrence. A token is a maximal run of
 * [A-Za-z0-9_] with its leading digits dropped (``9abc`` holds ``abc``), kept when 3+
 * characters are left; any other byte (non-ASCII included) separates tokens. The same set
 * as _scan_python.identifiers' Python fallback (tests/analysis/test_pyscan_identifiers.py),
 * without one bytes object per occurrence: a token becomes a string once, when first met.
 * The distinct tokens are kept in an open-addressing table of (start, length) spans into
 * data, keyed by FNV-1a.
 */
static const unsigned char IDENT[256] = {
    ['0'] = 2, ['1'] = 2, ['2'] = 2, ['3'] = 2, ['4'] = 2, ['5'] = 2, ['6'] = 2, ['7'] = 2,
    ['8'] = 2, ['9'] = 2, ['_'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
    ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
    ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
    ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
    ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
};

typedef struct {
    Py_ssize_t start; /* -1: an empty slot */
    Py_ssize_t len;
    size_t hash;
} Span;

static int spans_grow(Span **table, size_t *cap)
{
    size_t ncap = *cap * 2;
    Span *t = PyMem_Malloc(ncap * sizeof(Span));
    if (!t) return -1;
    for (size_t i = 0; i < ncap; i++) t[i].start = -1;
    for (size_t i = 0; i < *cap; i++) {
        Span e = (*table)[i];
        if (e.start < 0) continue;
        size_t j = e.hash & (ncap - 1);
        while (t[j].start >= 0) j = (j + 1) & (ncap - 1);
        t[j] = e;
    }
    PyMem_Free(*table);
    *table = t;
    *cap = ncap;
    return 0;
}

static PyObject *identifiers(PyObject *self, PyObject *arg)
{
    (void)self;
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) return NULL;
    const unsigned char *s = view.buf;
    Py_ssize_t n = view.len;
    size_t cap = 256, used = 0;
    Span *table = PyMem_Malloc(cap * sizeof(Span));
    /* first occurrences in order: indexes into table would move on growth, so spans */
    Py_ssize_t order_cap = 128, n_order = 0, total = 0;
    Span *order = PyMem_Malloc((size_t)order_cap * sizeof(Span));
    PyObject *result = NULL;
    if (!table || !order) {
        PyErr_NoMemory();
        goto done;
    }
    for (size_t i = 0; i < cap; i++) table[i].start = -1;
    Py_ssize_t i = 0;
    while (i < n) {
        if (!IDENT[s[i]]) {
            i++;
            continue;
        }
        Py_ssize_t a = i;
        while (i < n && IDENT[s[i]]) i++;
        while (a < i && IDENT[s[a]] == 2) a++; /* leading digits */
        Py_ssize_t len = i - a;
        if (len < 3) continue;
        size_t h = 1469598103934665603u;
        for (Py_ssize_t k = a; k < i; k++) h = (h ^ s[k]) * 1099511628211u;
        size_t j = h & (cap - 1);
        int found = 0;
        while (table[j].start >= 0) {
            if (table[j].hash == h && table[j].len == len &&
                memcmp(s + table[j].start, s + a, (size_t)len) == 0) {
                found = 1;
                break;
            }
            j = (j + 1) & (cap - 1);
        }
        if (found) continue;
        table[j].start = a;
        table[j].len = len;
        table[j].hash = h;
        if (n_order == order_cap) {
            order_cap *= 2;
            Span *o = PyMem_Realloc(order, (size_t)order_cap * sizeof(Span));
            if (!o) {
                PyErr_NoMemory();
                goto done;
            }
            order = o;
        }
        order[n_order++] = table[j];
        total += len + 1;
        if (++used * 2 > cap && spans_grow(&table, &cap) < 0) {
            PyErr_NoMemory();
            goto done;
        }
    }
    result = PyUnicode_New(total ? total - 1 : 0, 127);
    if (!result) goto done;
    Py_UCS1 *out = PyUnicode_1BYTE_DATA(result);
    for (Py_ssize_t k = 0; k < n_order; k++) {
        if (k) *out++ = ' ';
        memcpy(out, s + order[k].start, (size_t)order[k].len);
        out += order[k].len;
    }
done:
    PyMem_Free(table);
    PyMem_Free(order);
    PyBuffer_Release(&view);
    return result;
}

/* FNV-1a of n bytes: the hash of tally()'s table (identifiers() uses the same). */
static size_t fnv(const unsigned char *s, Py_ssize_t n)
{
    size_t h = 1469598103934665603u;
    for (Py_ssize_t k = 0; k < n; k++) h = (h ^ s[k]) * 1099511628211u;
    return h;
}

/* tally(names, texts, users, mine) -> (counts, user_counts, own, declined): what rank.py
 * counts from each text's hits (its whitespace-separated tokens that are names, each once,
 * as set(names).intersection(text.split())): counts {name: texts holding it}, user_counts
 * the same over the texts whose users[i] is true, own[i] the names of mine[i] (a set, or
 * None) that text i holds (None where mine[i] is None or the text is empty), and the
 * indexes of the texts declined (not an ASCII str, not empty), which the caller counts
 * itself. No string per token: the names go into an open-addressing table once and each
 * text is only hashed (a name that is not ASCII can equal no token and is left out). On
 * Django the ranking split 134,000 tokens into strings for this, and the hits grow faster
 * than the files (a bigger tree defines more of the words each file uses): each is an
 * increment here instead of a list item and two Counter updates in Python (issue 14). */
typedef struct {
    PyObject *name; /* borrowed; NULL: an empty slot */
    size_t hash;
    Py_ssize_t stamp;
    Py_ssize_t count, user_count;
} Tally;

static PyObject *refs_tally(PyObject *self, PyObject *args)
{
    (void)self;
    PyObject *names_arg, *texts, *users, *mine;
    if (!PyArg_ParseTuple(args, "OO!O!O!:tally", &names_arg, &PyList_Type, &texts, &PyList_Type,
                          &users, &PyList_Type, &mine))
        return NULL;
    Py_ssize_t n_texts = PyList_GET_SIZE(texts);
    if (PyList_GET_SIZE(users) != n_texts || PyList_GET_SIZE(mine) != n_texts) {
        PyErr_SetString(PyExc_ValueError, "tally: texts, users and mine differ in length");
        return NULL;
    }
    PyObject *names = PySequence_List(names_arg);
    if (!names) return NULL;
    Py_ssize_t n_names = PyList_GET_SIZE(names);
    size_t cap = 16;
    while (cap < (size_t)n_names * 2 + 2) cap *= 2;
    Tally *table = PyMem_Calloc(cap, sizeof(Tally));
    PyObject *counts = NULL, *user_counts = NULL, *own = NULL, *declined = NULL, *result = NULL;
    if (!table) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n_names; i++) {
        PyObject *name = PyList_GET_ITEM(names, i);
        if (!PyUnicode_Check(name)) {
            PyErr_SetString(PyExc_TypeError, "tally: names must be str");
            goto done;
        }
        if (PyUnicode_READY(name) < 0) goto done;
        if (!PyUnicode_IS_ASCII(name)) continue;
        const unsigned char *s = PyUnicode_1BYTE_DATA(name);
        Py_ssize_t len = PyUnicode_GET_LENGTH(name);
        size_t h = fnv(s, len), j = h & (cap - 1);
        int dup = 0;
        while (table[j].name) {
            if (table[j].hash == h && PyUnicode_GET_LENGTH(table[j].name) == len &&
                memcmp(PyUnicode_1BYTE_DATA(table[j].name), s, (size_t)len) == 0) {
                dup = 1;
                break;
            }
            j = (j + 1) & (cap - 1);
        }
        if (!dup) {
            table[j].name = name;
            table[j].hash = h;
        }
    }
    own = PyList_New(n_texts);
    declined = PyList_New(0);
    if (!own || !declined) goto done;
    for (Py_ssize_t t = 0; t < n_texts; t++) {
        Py_INCREF(Py_None);
        PyList_SET_ITEM(own, t, Py_None);
    }
    for (Py_ssize_t t = 0; t < n_texts; t++) {
        PyObject *text = PyList_GET_ITEM(texts, t);
        if (text == Py_None || (PyUnicode_Check(text) && PyUnicode_GET_LENGTH(text) == 0))
            continue; /* no refs: nothing to count, as rank's ``if refs`` */
        if (!PyUnicode_Check(text) || PyUnicode_READY(text) < 0 || !PyUnicode_IS_ASCII(text)) {
            PyErr_Clear();
            PyObject *index = PyLong_FromSsize_t(t);
            if (!index || PyList_Append(declined, index) < 0) {
                Py_XDECREF(index);
                goto done;
            }
            Py_DECREF(index);
            continue;
        }
        int user = PyObject_IsTrue(PyList_GET_ITEM(users, t));
        if (user < 0) goto done;
        PyObject *own_names = PyList_GET_ITEM(mine, t);
        PyObject *own_set = NULL;
        if (own_names != Py_None) {
            own_set = PySet_New(NULL);
            if (!own_set) goto done;
            PyList_SetItem(own, t, own_set); /* steals; the None it replaces is released */
        }
        const unsigned char *s = PyUnicode_1BYTE_DATA(text);
        Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0;
        while (i < n) {
            if (Py_ISSPACE(s[i]) || (s[i] >= 0x1c && s[i] <= 0x1f)) {
                i++;
                continue;
            }
            Py_ssize_t a = i;
            while (i < n && !Py_ISSPACE(s[i]) && !(s[i] >= 0x1c && s[i] <= 0x1f)) i++;
            size_t h = fnv(s + a, i - a), j = h & (cap - 1);
            while (table[j].name) {
                Tally *e = &table[j];
                if (e->hash == h && PyUnicode_GET_LENGTH(e->name) == i - a &&
                    memcmp(PyUnicode_1BYTE_DATA(e->name), s + a, (size_t)(i - a)) == 0) {
                    if (e->stamp != t + 1) {
                        e->stamp = t + 1;
                        e->count++;
                        e->user_count += user;
                        if (own_set) {
                            int in = PySet_Contains(own_names, e->name);
                            if (in < 0 || (in && PySet_Add(own_set, e->name) < 0)) goto done;
                        }
                    }
                    break;
                }
                j = (j + 1) & (cap - 1);
            }
        }
    }
    counts = PyDict_New();
    user_counts = PyDict_New();
    if (!counts || !user_counts) goto done;
    for (size_t j = 0; j < cap; j++) {
        Tally *e = &table[j];
        if (!e->name || !e->count) continue;
        PyObject *c = PyLong_FromSsize_t(e->count);
        if (!c || PyDict_SetItem(counts, e->name, c) < 0) {
            Py_XDECREF(c);
            goto done;
        }
        Py_DECREF(c);
        if (e->user_count) {
            PyObject *u = PyLong_FromSsize_t(e->user_count);
            if (!u || PyDict_SetItem(user_counts, e->name, u) < 0) {
                Py_XDECREF(u);
                goto done;
            }
            Py_DECREF(u);
        }
    }
    result = PyTuple_Pack(4, counts, user_counts, own, declined);
done:
    PyMem_Free(table);
    Py_XDECREF(counts);
    Py_XDECREF(user_counts);
    Py_XDECREF(own);
    Py_XDECREF(declined);
    Py_DECREF(names);
    return result;
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_O,
     "scan(data: bytes) -> tuple | None: the statement-level facts of a Python file, or None "
     "when CPython's parser must judge it."},
    {"identifiers", identifiers, METH_O,
     "identifiers(data: bytes) -> str: the distinct identifier-like tokens of 3+ characters, "
     "space-separated, in order of first occurrence."},
    {"tally", refs_tally, METH_VARARGS,
     "tally(names, texts, users, mine) -> (counts, user_counts, own, declined): how many "
     "texts hold each name (all, and those whose users[i] is true), the names of mine[i] "
     "text i holds, and the indexes of the texts left to the caller (not ASCII)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_pyscan",
    "A C tokenizer and statement parser for Python source (see _scan_python).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__pyscan(void)
{
    PyObject *m = PyModule_Create(&module);
    if (m && PyModule_AddIntConstant(m, "VERSION", 3) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
