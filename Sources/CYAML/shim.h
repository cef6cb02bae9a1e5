#ifndef STANDBY_CYAML_SHIM_H
#define STANDBY_CYAML_SHIM_H
#include <yaml.h>
#endif
