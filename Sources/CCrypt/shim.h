// libxcrypt (Debian's libcrypt-dev): bcrypt password hashing for ArmsTrace's web sign-in.
#include <crypt.h>
