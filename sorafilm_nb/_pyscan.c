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
 * nesting, an escaped docstring it would have to evaluate...) it returns None and the caller
 * asks ast, which gives the exact result or the exact warning. So a file either gets the
 * same result ast would give (tests/test_pyscan.py checks this on every file of several
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
    K_ELSE, K_FOR, K_WHILE, K_WITH, K_IMPORT, K_FROM, K_AS, K_LAMBDA, K_CONST, K_OTHER
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

typedef struct {
    const unsigned char *s;
    Py_ssize_t n;
    Tok *t;
    Py_ssize_t nt, cap;
    int bail;
    PyObject *mod_doc, *classes, *functions, *mdocs, *raised, *caught, *imported, *imports,
        *exported;
} P;

static int push_tok(P *p, int type, int sub, int prefix, Py_ssize_t a, Py_ssize_t b, int line)
{
    if (p->nt == p->cap) {
        Py_ssize_t cap = p->cap ? p->cap * 2 : 1024;
        Tok *t = PyMem_RawRealloc(p->t, (size_t)cap * sizeof(Tok)); /* no GIL held */
        if (!t) {
            p->bail = 1;
            return -1;
        }
        p->t = t;
        p->cap = cap;
    }
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
    Py_ssize_t i = 0;
    for (int line = 0; line < 2 && i < n; line++) {
        Py_ssize_t e = i;
        while (e < n && s[e] != '\n' && s[e] != '\r') e++;
        for (Py_ssize_t k = i; k + 7 <= e; k++) {
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

static int keyword(const unsigned char *w, Py_ssize_t len)
{
#define KW(str, code) if (len == (Py_ssize_t)sizeof(str) - 1 && memcmp(w, str, len) == 0) return code
    switch (w[0]) {
    case 'F': KW("False", K_CONST); break;
    case 'N': KW("None", K_CONST); break;
    case 'T': KW("True", K_CONST); break;
    case 'a':
        KW("and", K_OTHER); KW("as", K_AS); KW("assert", K_OTHER); KW("async", K_ASYNC);
        KW("await", K_OTHER); break;
    case 'b': KW("break", K_OTHER); break;
    case 'c': KW("class", K_CLASS); KW("continue", K_OTHER); break;
    case 'd': KW("def", K_DEF); KW("del", K_OTHER); break;
    case 'e': KW("elif", K_ELIF); KW("else", K_ELSE); KW("except", K_EXCEPT); break;
    case 'f': KW("finally", K_FINALLY); KW("for", K_FOR); KW("from", K_FROM); break;
    case 'g': KW("global", K_OTHER); break;
    case 'i': KW("if", K_IF); KW("import", K_IMPORT); KW("in", K_OTHER); KW("is", K_OTHER); break;
    case 'l': KW("lambda", K_LAMBDA); break;
    case 'n': KW("nonlocal", K_OTHER); KW("not", K_OTHER); break;
    case 'o': KW("or", K_OTHER); break;
    case 'p': KW("pass", K_OTHER); break;
    case 'r': KW("raise", K_RAISE); KW("return", K_OTHER); break;
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

static Py_ssize_t scan_string(P *p, Py_ssize_t pos, int *flags, int *line, int nest);

/* An f-string replacement field from just after its '{' to just after its '}'. */
static Py_ssize_t scan_field(P *p, Py_ssize_t pos, unsigned char quote, int triple, int *line,
                             int nest)
{
    const unsigned char *s = p->s;
    Py_ssize_t n = p->n;
    int depth = 0;
    if (nest > MAX_FSTRING_NEST) return -1;
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
            pos = scan_string(p, pos, &f, line, nest + 1);
            if (pos < 0) return -1;
            continue;
        }
        if (c == '\n' || c == '\r') {
            if (!triple) return -1;
            if (c == '\r' && pos + 1 < n && s[pos + 1] == '\n') pos++;
            (*line)++;
            pos++;
            continue;
        }
        if (c == '#' || c == '\\') return -1;
        if (c == '(' || c == '[' || c == '{') depth++;
        else if (c == ')' || c == ']') {
            if (--depth < 0) return -1;
        }
        else if (c == '}') {
            if (depth == 0) return pos + 1;
            depth--;
        }
        else if (c == ':' && depth == 0) {
            /* the format spec: literal text and nested fields up to this field's '}' */
            pos++;
            while (pos < n) {
                unsigned char d = s[pos];
                if (d == '{') {
                    pos = scan_field(p, pos + 1, quote, triple, line, nest + 1);
                    if (pos < 0) return -1;
                    continue;
                }
                if (d == '}') return pos + 1;
                if (d == quote || d == '\\' || d == '\n' || d == '\r') return -1;
                pos++;
            }
            return -1;
        }
        pos++;
    }
    return -1;
}

/* A string literal from its opening quote; returns the offset after it, or -1. */
static Py_ssize_t scan_string(P *p, Py_ssize_t pos, int *flags, int *line, int nest)
{
    const unsigned char *s = p->s;
    Py_ssize_t n = p->n;
    unsigned char q = s[pos];
    int triple = pos + 2 < n && s[pos + 1] == q && s[pos + 2] == q;
    int fstr = *flags & SF_F;
    if (triple) *flags |= SF_TRIPLE;
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
            }
            else if (fstr && (d == '{' || d == '}'))
                pos += 1; /* `\{` is a backslash, then a field (or a `{{`) */
            else if (fstr && d == 'N' && !(*flags & SF_R) && pos + 2 < n && s[pos + 2] == '{') {
                /* \N{NAME} is an escape, not a field */
                pos += 3;
                while (pos < n && s[pos] != '}' && s[pos] != q && s[pos] != '\n') pos++;
                if (pos >= n || s[pos] != '}') return -1;
                pos++;
            }
            else pos += 2;
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
            if (!triple) return pos + 1;
            if (pos + 2 < n && s[pos + 1] == q && s[pos + 2] == q) {
                pos += 3;
                /* """a"""" : a quote right after the closing triple is another string */
                return pos;
            }
            pos++;
            continue;
        }
        if (fstr && c == '{') {
            if (pos + 1 < n && s[pos + 1] == '{') {
                pos += 2;
                continue;
            }
            pos = scan_field(p, pos + 1, q, triple, line, nest);
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
    return -1;
}

/* Does this token end an operand (so that another operand may not follow it)? */
static int ends_operand(const Tok *k)
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
           (len == 4 && memcmp(w, "type", 4) == 0);
}

/* Emit one token of a logical line, refusing two operands side by side. */
static int emit(P *p, int type, int sub, int prefix, Py_ssize_t a, Py_ssize_t b, int line,
                Py_ssize_t *line_start, int *chain)
{
    if (p->nt > *line_start) {
        const Tok *prev = &p->t[p->nt - 1];
        int starts = (type == T_NAME && (sub == K_NONE || sub == K_CONST)) || type == T_NUMBER ||
                     type == T_STRING || (type == T_OP && sub == O_LBRACE);
        if (starts && ends_operand(prev)) {
            int ok = (type == T_STRING && prev->type == T_STRING) ||
                     (p->nt - 1 == *line_start && prev->type == T_NAME && is_soft_keyword(p, prev)) ||
                     /* from ...pkg import x */
                     (prev->type == T_OP && prev->sub == O_ELLIPSIS && type == T_NAME &&
                      p->t[*line_start].type == T_NAME && p->t[*line_start].sub == K_FROM);
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
    int indents[MAX_INDENT + 2], alt[MAX_INDENT + 2], nind = 1;
    Py_ssize_t line_start = 0; /* index of the first token of the current logical line */
    indents[0] = alt[0] = 0;
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
                    push_tok(p, T_NEWLINE, 0, 0, pos, pos, line - 1) < 0)
                    return -1;
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
                Py_ssize_t e = scan_string(p, pos, &f, &line, 0);
                if (e < 0) return -1;
                if (emit(p, T_STRING, f, (int)(pos - a), a, e, tokline, &line_start, &chain) < 0)
                    return -1;
                pos = e;
                continue;
            }
            if (emit(p, T_NAME, keyword(s + a, pos - a), 0, a, pos, line, &line_start,
                     &chain) < 0)
                return -1;
            continue;
        }
        if ((c >= '0' && c <= '9') || (c == '.' && pos + 1 < n && s[pos + 1] >= '0' && s[pos + 1] <= '9')) {
            Py_ssize_t a = pos;
            int radix = 0, only_digits = 1, nonzero = 0;
            if (c == '0' && pos + 1 < n && strchr("xXoObB", s[pos + 1]) && s[pos + 1]) {
                radix = 1;
                pos += 2;
                while (pos < n && (is_id_char(s[pos]) && s[pos] < 0x80)) pos++;
            }
            else {
                while (pos < n) {
                    unsigned char d = s[pos];
                    if (d >= '0' && d <= '9') { if (d != '0') nonzero = 1; pos++; }
                    else if (d == '_') pos++;
                    else if (d == '.') { only_digits = 0; pos++; }
                    else if (d == 'e' || d == 'E') {
                        only_digits = 0;
                        pos++;
                        if (pos < n && (s[pos] == '+' || s[pos] == '-')) pos++;
                    }
                    else if (d == 'j' || d == 'J') { only_digits = 0; pos++; break; }
                    else break;
                }
            }
            if (pos < n && is_id_char(s[pos])) return -1; /* 10L, 1if, 0x1g */
            if (!radix && only_digits && s[a] == '0' && nonzero) return -1; /* 0777 */
            if (emit(p, T_NUMBER, 0, 0, a, pos, line, &line_start, &chain) < 0) return -1;
            continue;
        }
        if (c == '"' || c == '\'') {
            int f = 0, tokline = line;
            Py_ssize_t e = scan_string(p, pos, &f, &line, 0);
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
        }
        else if (op == O_RPAR || op == O_RSQB || op == O_RBRACE) {
            if (depth == 0 || brackets[depth - 1] != op - 1) return -1;
            depth--;
        }
        if (emit(p, T_OP, op, 0, pos, pos + len, line, &line_start, &chain) < 0) return -1;
        pos += len;
    }
    if (depth != 0) return -1;
    if (p->nt > line_start && push_tok(p, T_NEWLINE, 0, 0, n, n, line) < 0) return -1;
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
    /* now trailers [0, m) are all attributes, where m is the run before the first non-'.' */
    int m = 0;
    while (m < n && pr.kinds[m] == '.') m++;
    if (m != n) n = m; /* unreachable: the loop above leaves attributes only */
    char buf[512];
    Py_ssize_t len = TK(i).end - TK(i).start;
    if (len >= (Py_ssize_t)sizeof(buf)) return PyUnicode_FromString("");
    memcpy(buf, p->s + TK(i).start, (size_t)len);
    for (int k = 0; k < n; k++) {
        Py_ssize_t t = pr.pos[k], tl = TK(t).end - TK(t).start;
        if (len + 1 + tl >= (Py_ssize_t)sizeof(buf)) return PyUnicode_FromString("");
        buf[len++] = '.';
        memcpy(buf + len, p->s + TK(t).start, (size_t)tl);
        len += tl;
    }
    return PyUnicode_DecodeUTF8(buf, len, NULL);
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
                if (!IS_OP(i, O_COMMA)) goto bad;
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
    if (i < b && IS_OP(i, O_LPAR)) {
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
            if (!IS_OP(i, O_COMMA)) goto bad;
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

static int do_assign(P *p, Py_ssize_t a, Py_ssize_t b)
{
    if (a + 1 < b && IS_OP(a + 1, O_AUG)) {
        if (tok_is(p, a, "__all__")) return str_list(p, a + 2, b);
        return 0;
    }
    Py_ssize_t eq = find_top(p, a, b, O_EQUAL, 0);
    if (eq == b) return 0;
    int target = 0;
    Py_ssize_t seg = a, last = a;
    while (eq < b) {
        if (eq == seg + 1 && tok_is(p, seg, "__all__")) target = 1;
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
    if (depth == 0 && TK(a).type == T_NAME && tok_is(p, a, "__all__")) return do_assign(p, a, b);
    if (depth == 0 && TK(a).type == T_NAME) {
        /* x = __all__ = [...] */
        for (Py_ssize_t i = a; i < b; i++)
            if (tok_is(p, i, "__all__")) return do_assign(p, a, b);
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
    while (IS_OP(i, O_AT)) { /* decorators belong to the def or class below them */
        nl = line_end(p, i);
        if (TK(nl).type != T_NEWLINE) goto bad;
        i = nl + 1;
    }
    if (TK(i).type == T_INDENT || TK(i).type == T_DEDENT || TK(i).type == T_NEWLINE) goto bad;
    nl = line_end(p, i);
    if (TK(nl).type != T_NEWLINE) goto bad;
    Py_ssize_t k = i;
    if (IS_KW(k, K_ASYNC) && k + 1 < nl &&
        (IS_KW(k + 1, K_DEF) || IS_KW(k + 1, K_FOR) || IS_KW(k + 1, K_WITH)))
        k++;
    if (IS_KW(k, K_DEF) || IS_KW(k, K_CLASS)) {
        int is_class = IS_KW(k, K_CLASS);
        Py_ssize_t name = k + 1, j = k + 2;
        if (name >= nl || !IS_ID(name)) goto bad;
        if (j < nl && IS_OP(j, O_LSQB)) j = closing(p, j) + 1; /* type parameters */
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
    if (!compound && kw == K_NONE && (tok_is(p, k, "match") || tok_is(p, k, "case"))) {
        /* soft keywords: a statement only when the line is a header opening a block */
        Py_ssize_t c = header_colon(p, k + 1, nl);
        compound = c == nl - 1 && c > k + 1 && TK(nl + 1).type == T_INDENT;
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
    if (simples(p, i, nl, depth, first ? body : NULL) < 0) return -1;
    return nl + 1;
bad:
    p->bail = 1;
    return -1;
}

/* Statements from i until the DEDENT closing this block (or the end); returns past it. */
static Py_ssize_t block(P *p, Py_ssize_t i, int depth, Body *body)
{
    int first = 1;
    while (TK(i).type != T_DEDENT && TK(i).type != T_END) {
        int defs_before = body ? body->n_defs : 0;
        i = statement(p, i, depth, body, first);
        if (i < 0) return -1;
        if (first && body && !body->doc) {
            body->doc = Py_None; /* the first statement was a def or class */
            Py_INCREF(Py_None);
        }
        (void)defs_before;
        first = 0;
    }
    return TK(i).type == T_DEDENT ? i + 1 : i;
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

static PyMethodDef methods[] = {
    {"scan", scan, METH_O,
     "scan(data: bytes) -> tuple | None: the statement-level facts of a Python file, or None "
     "when CPython's parser must judge it."},
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
    if (m && PyModule_AddIntConstant(m, "VERSION", 1) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
