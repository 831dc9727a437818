#include "CLuaShim.h"
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>

static const char *TRACEBACK_KEY = "bramble.traceback";
// Once a state is stopped for good it may still need a little memory to unwind and report.
static const size_t FATAL_RESERVE = 8u << 20;

static void *bl_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    bl_limits *lim = (bl_limits *)ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        lim->memory_used -= old;
        return NULL;
    }
    if (lim->memory_limit && nsize > old && lim->in_host == 0) {
        size_t cap = lim->memory_limit + (lim->fatal ? FATAL_RESERVE : 0);
        size_t grow = nsize - old;
        if (lim->memory_used + grow > cap || grow > cap) {
            lim->memory_hit = 1;
            return NULL;
        }
    }
    void *p = realloc(ptr, nsize);
    if (p == NULL) {
        lim->memory_hit = 1;
        return NULL;
    }
    lim->memory_used = lim->memory_used - old + nsize;
    if (lim->memory_used > lim->memory_peak) lim->memory_peak = lim->memory_used;
    return p;
}

double bl_monotonic_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *bl_fatal_message(const bl_limits *lim) {
    switch (lim->fatal) {
    case BL_FATAL_INSTRUCTIONS: return "limit reached: instruction budget exhausted (raise it with --max-instructions)";
    case BL_FATAL_MEMORY: return "limit reached: memory cap exceeded (raise it with --max-memory)";
    case BL_FATAL_TIME: return "limit reached: wall-clock time limit exceeded (raise it with --timeout)";
    default: return "no limit reached";
    }
}

static void bl_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    bl_limits *lim = bl_limits_of(L);
    if (!lim->fatal) {
        lim->instructions_used += lim->hook_every;
        if (lim->memory_hit) {
            lim->fatal = BL_FATAL_MEMORY;
        } else if (lim->instruction_budget > 0 && lim->instructions_used > lim->instruction_budget) {
            lim->fatal = BL_FATAL_INSTRUCTIONS;
        } else if (lim->interrupt || (lim->deadline > 0 && bl_monotonic_now() > lim->deadline)) {
            lim->fatal = BL_FATAL_TIME;
        } else if (lim->hook_every == 1) {
            // the watchdog's wake-up call was a false alarm: go back to the normal period
            lua_sethook(L, bl_hook, LUA_MASKCOUNT, 1000);
            lim->hook_every = 1000;
        }
    }
    if (lim->fatal) {
        // sticky: from now on every instruction of this thread raises again
        lua_sethook(L, bl_hook, LUA_MASKCOUNT, 1);
        lim->hook_every = 1;
        lua_pushstring(L, bl_fatal_message(lim));
        lua_error(L);
    }
}

lua_State *bl_newstate(bl_limits *limits) {
    if (limits->hook_every <= 0) limits->hook_every = 1000;
    return lua_newstate(bl_alloc, limits);
}

void bl_install_hook(lua_State *L) {
    bl_limits *lim = bl_limits_of(L);
    lua_sethook(L, bl_hook, LUA_MASKCOUNT, lim->hook_every);
}

void bl_interrupt(lua_State *L) {
    bl_limits *lim = bl_limits_of(L);
    lim->interrupt = 1;
    lua_sethook(L, bl_hook, LUA_MASKCOUNT, 1);
}

bl_limits *bl_limits_of(lua_State *L) {
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return (bl_limits *)ud;
}

// The trampoline: Swift returns, then C raises. lua_error never unwinds through a Swift frame.
static int bl_dispatch(lua_State *L) {
    bl_limits *lim = bl_limits_of(L);
    int id = (int)lua_tointeger(L, lua_upvalueindex(1));
    lim->in_host++;
    int n = lim->host(L, id, lim->host_context);
    lim->in_host--;
    if (n < 0) {
        if (lua_type(L, -1) == LUA_TSTRING) {
            luaL_where(L, 1);
            lua_insert(L, -2);
            lua_concat(L, 2);
        }
        return lua_error(L);
    }
    return n;
}

void bl_push_host_function(lua_State *L, int function_id) {
    lua_pushinteger(L, function_id);
    lua_pushcclosure(L, bl_dispatch, 1);
}

static int bl_message_handler(lua_State *L) {
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
            msg = lua_tostring(L, -1);
        } else {
            msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
        }
    }
    luaL_traceback(L, L, msg, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, TRACEBACK_KEY);
    lua_settop(L, 1);
    return 1;
}

int bl_pcall_traceback(lua_State *L, int nargs, int nresults) {
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, bl_message_handler);
    lua_insert(L, base);
    int status = lua_pcall(L, nargs, nresults, base);
    lua_remove(L, base);
    return status;
}

int bl_load_text(lua_State *L, const char *buffer, size_t size, const char *chunkname) {
    return luaL_loadbufferx(L, buffer, size, chunkname, "t");
}

void bl_where(lua_State *L, int level, char *out, size_t out_size) {
    lua_Debug ar;
    out[0] = 0;
    if (lua_getstack(L, level, &ar) && lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
        snprintf(out, out_size, "%s:%d", ar.short_src, ar.currentline);
    }
}

void bl_nearest_lua_frame(lua_State *L, char *out, size_t out_size) {
    lua_Debug ar;
    out[0] = 0;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
            snprintf(out, out_size, "%s:%d", ar.short_src, ar.currentline);
            return;
        }
    }
}

int bl_upvalueindex(int i) { return lua_upvalueindex(i); }
int bl_registryindex(void) { return LUA_REGISTRYINDEX; }
void bl_pop(lua_State *L, int n) { lua_pop(L, n); }
void bl_newtable(lua_State *L) { lua_newtable(L); }
int bl_isnil(lua_State *L, int idx) { return lua_isnil(L, idx); }
int bl_isnoneornil(lua_State *L, int idx) { return lua_isnoneornil(L, idx); }
const char *bl_tolstring(lua_State *L, int idx, size_t *len) { return lua_tolstring(L, idx, len); }
void bl_insert(lua_State *L, int idx) { lua_insert(L, idx); }
void bl_remove(lua_State *L, int idx) { lua_remove(L, idx); }
void bl_replace(lua_State *L, int idx) { lua_replace(L, idx); }
int bl_pcall(lua_State *L, int nargs, int nresults) { return lua_pcall(L, nargs, nresults, 0); }
void bl_pushglobaltable(lua_State *L) { lua_pushglobaltable(L); }
