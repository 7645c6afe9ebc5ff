/*
 * A program outside the tree, built against an installed liboctavo with
 * `pkg-config --cflags --libs octavo`: makes a book from a folder with
 * ov_build(). Usage: api_client INPUT_DIR OUT.epub
 */
#include <stdio.h>
#include <string.h>

#include <octavo/octavo.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: api_client INPUT_DIR OUT.epub\n");
        return 2;
    }
    ov_build_input in = {argv[1], NULL, NULL, 0, 0};
    ov_build_options o = OV_BUILD_OPTIONS_INIT;
    o.inputs = &in;
    o.n_inputs = 1;
    o.output = argv[2];
    o.title = "Installed API";
    o.series = "octavo install test";
    o.issue = 1;
    o.now = 1700000000;
    o.quiet = 1;
    ov_build_result *res = NULL;
    ov_error err;
    ov_error_clear(&err);
    char msg[OV_ERROR_MESSAGE_MAX + OV_ERROR_WHERE_MAX + 4];
    int rc = ov_build(&o, &res, &err);
    if (rc != 0) {
        fprintf(stderr, "api_client: %s\n", ov_error_format(&err, msg, sizeof msg));
        ov_build_result_free(res);
        return 1;
    }
    printf("octavo %s: %zu articles, %zu images, exit code %d\n", OV_VERSION_STRING,
           res->n_articles, res->n_images, res->exit_code);
    int code = res->exit_code;
    ov_build_result_free(res);
    return code == OV_EXIT_OK || code == OV_EXIT_PARTIAL ? 0 : 1;
}
