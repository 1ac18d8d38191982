/* fakecublaslt.c — a stand-in libcublasLt.so.13 with the one function the fake libcublas.so.13 takes
 * from it, so that the fake cuBLAS needs its Lt as the real one does (NEEDED libcublasLt.so.13).
 *
 * Why: pip's and PyTorch's cuBLAS sit in a directory the dynamic loader does not search, with their Lt
 * beside them; loading cuBLAS there by path works only if Lt is found too. FakeDriverTest puts this
 * library beside the fake cuBLAS 13, outside LD_LIBRARY_PATH and without an rpath, so the CUDA backend
 * loads only because CublasGemm loads the sibling Lt first.
 * Build (FakeDriverTest):
 *   gcc -std=c11 -O2 -fPIC -shared src/test/c/fake_cuda/fakecublaslt.c -Wl,-soname,libcublasLt.so.13 -o libcublasLt.so.13
 */
#include <stddef.h>

__attribute__((visibility("default"))) size_t cublasLtGetVersion(void) { return 130000; }
