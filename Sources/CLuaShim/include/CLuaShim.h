// C helpers for the Lua bridge: lua.h's function-like macros as functions, the error trampoline,
// the counting allocator and the instruction/time hook. Swift never calls lua_error itself.
#ifndef BRAMBLE_CLUASHIM_H
#define BRAMBLE_CLUASHIM_H

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stddef.h>
#include <stdint.h>

/// Why a state was stopped for good. Once set, every further Lua instruction raises again
/// (the hook is sticky), so a script's own pcall cannot swallow it.
typedef enum {
    BL_FATAL_NONE = 0,
    BL_FATAL_INSTRUCTIONS = 1,
    BL_FATAL_MEMORY = 2,
    BL_FATAL_TIME = 3,
} bl_fatal;

/// Called by the trampoline for every Swift function: returns the number of results it pushed,
/// or -1 with an error message on top of the stack, which the trampoline raises after Swift returned.
typedef int (*bl_host_function)(lua_State *L, int function_id, void *context);

typedef struct bl_limits {
    size_t memory_used;
    size_t memory_limit;          // 0: no limit
    size_t memory_peak;
    int memory_hit;               // an allocation was refused: the hook turns it fatal
    int in_host;                  // >0 while a Swift function runs: allocations may overshoot
    long long instructions_used;
    long long instruction_budget; // 0: no limit
    int hook_every;               // instructions between two hook calls
    double deadline;              // CLOCK_MONOTONIC seconds; 0: none
    volatile int interrupt;       // set asynchronously by the watchdog when the deadline passed
    int fatal;                    // bl_fatal
    bl_host_function host;
    void *host_context;
} bl_limits;

/// A new state using the counting allocator over `limits` (which must outlive the state).
lua_State *bl_newstate(bl_limits *limits);
/// Installs the count hook on `L` (new coroutines inherit it from their creator).
void bl_install_hook(lua_State *L);
/// Asynchronously safe: makes the next instruction of L call the hook (used by the watchdog).
void bl_interrupt(lua_State *L);
bl_limits *bl_limits_of(lua_State *L);
double bl_monotonic_now(void);
const char *bl_fatal_message(const bl_limits *limits);

/// Pushes a C closure that dispatches to the Swift host function `function_id`.
void bl_push_host_function(lua_State *L, int function_id);
/// Runs the function below `nargs` arguments under a message handler that stores a traceback
/// in the registry (field "bramble.traceback") and leaves the error value itself on the stack.
int bl_pcall_traceback(lua_State *L, int nargs, int nresults);
/// Loads text only ("t" mode): binary chunks are refused.
int bl_load_text(lua_State *L, const char *buffer, size_t size, const char *chunkname);
/// file:line of the Lua function `level` levels up (1 = the caller of the running C function).
/// Writes "" when that frame is not a Lua function.
void bl_where(lua_State *L, int level, char *out, size_t out_size);
/// The first Lua frame (from level 1 upward) with a source line: same as bl_where but skips C frames.
void bl_nearest_lua_frame(lua_State *L, char *out, size_t out_size);

// lua.h's function-like macros, as functions Swift can call.
int bl_upvalueindex(int i);
int bl_registryindex(void);
void bl_pop(lua_State *L, int n);
void bl_newtable(lua_State *L);
int bl_isnil(lua_State *L, int idx);
int bl_isnoneornil(lua_State *L, int idx);
const char *bl_tolstring(lua_State *L, int idx, size_t *len);
void bl_insert(lua_State *L, int idx);
void bl_remove(lua_State *L, int idx);
void bl_replace(lua_State *L, int idx);
int bl_pcall(lua_State *L, int nargs, int nresults);
void bl_pushglobaltable(lua_State *L);

#endif
