/* parse.c: runs the reentrant scanner and parser over one source text. */
#include "../compiler/surfc.h"
#include "parser.h"
#include "lexer.h"

void parse_source(const struct source *src, struct program *prog,
		  struct diags *diags)
{
	struct parse_ctx pc = {
		.src = src,
		.prog = prog,
		.arena = prog->arena,
		.diags = diags,
	};
	yyscan_t scanner;
	if (yylex_init_extra(&pc, &scanner)) {
		diag_plain(diags, src->name, SEV_ERROR, "cannot start the scanner");
		return;
	}
	YY_BUFFER_STATE buf = yy_scan_bytes(src->text, (int)src->len, scanner);
	yyparse(scanner, &pc);
	yy_delete_buffer(buf, scanner);
	yylex_destroy(scanner);
}
