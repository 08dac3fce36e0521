// Hostile submission (compile): a file of the grading machine included through a macro.
#define SECRET_FILE "@VICTIM@/secret.txt"
#include SECRET_FILE
