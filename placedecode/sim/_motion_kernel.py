"""RatInABox 1.15.3's random-motion step (``Agent.update``), compiled with numba.

Why numba: the step is a few dozen floating-point operations with data-dependent branches
(wall collisions, boundary conditions) that cannot be vectorised over time, so it needs a
compiled loop. numba compiles it from Python source at first use (cached on disk), installs
from the package registry as a wheel on every major platform, and is what pynapple uses for
the same reason; a C extension would need a compiler on the user's machine or per-platform
wheels built by us. :mod:`._motion_rng` explains how the random numbers are reproduced.

One step, in RatInABox's order (``Agent.update`` with no drift velocity); "draw" means a
standard normal from the generator, in this order:

1. 2D: rotational velocity ``w += -w dt / tau_w + sigma_w dt g`` (draw 1), rotate the
   velocity by ``w dt``; the speed ``s`` goes to a standard normal ``z = ndtri(1 -
   exp(-s^2 / 2 sigma^2))`` (clipped to [1e-6, 1 - 1e-6]), ``z += -z dt / tau_s + sqrt(2 /
   (tau_s dt)) dt g`` (draw 2), back to ``sigma sqrt(-2 log(1 - ndtr(z)))``, with
   ``sigma = speed_mean``. 1D: ``v += (speed_mean - v) dt / tau_s + sigma_s dt g`` (draw 1).
2. 2D wall repulsion (if there are walls and ``wall_repel_strength != 0``): the shortest
   vectors from each wall to the position, computed on copies jittered by 1e-6 m (2 draws
   for the position, 4 per wall); walls closer than ``d = wall_repel_distance`` push the
   velocity (spring, ``3 (1 - thigmotaxis)^2``) and the position (conveyor belt,
   ``6 thigmotaxis^2``).
3. ``pos += velocity dt``.
4. 2D collisions: does the step cross a wall? (walls and the step jittered by 1e-9 m, 4
   draws per wall then 4 for the step.) If it does, reflect the velocity off the first
   wall crossed, set the speed to ``speed_mean / 2``, retake the step from the old position,
   and test again (4 per wall + 4 more draws each time).
5. Outside the arena: periodic wrap or clip 1 cm inside (rectangles and 1D); a polygonal
   arena puts the Agent at a uniformly drawn position inside it (uniforms, as RatInABox's
   ``sample_positions(method="random")``).
6. Measured velocity = displacement / dt (the shortest way round in a periodic arena); if it
   is exactly zero, ``1e-8 g`` per dimension (D draws). Head direction: 1D its sign; 2D the
   normalised velocity, smoothed over ``head_direction_smoothing_timescale``.

Every draw of a step that does not depend on the state is taken in one block at the start
of the step (``fill_gauss``); the rest (repeated collision tests, zero-length steps) are
drawn when they happen. All functions here take scalars or whole arrays and loop inside, so
that no per-step Python or reference counting is paid; :func:`advance` releases the GIL so
that threads can move different seeds at once.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit as _njit

from ._motion_rng import fill_gauss, next_double
from ._motion_special import ndtr, ndtri


def njit(*args, **kwargs):
    """numba's ``njit`` cached on disk, with IEEE division (x / 0 is inf or nan, as in NumPy)."""
    kwargs.setdefault("cache", True)
    kwargs.setdefault("error_model", "numpy")
    return _njit(*args, **kwargs)


# Indices into the float parameter vector ``prm`` (built by ``_motion.pack_parameters``).
DT = 0
ROT_THETA = 1  # 1 / rotational_velocity_coherence_time
ROT_SIGMA = 2  # sqrt(2 rotational_velocity_std^2 / (tau dt))
SPEED_THETA = 3  # 1 / speed_coherence_time
SPEED_SIGMA = 4  # 2D: sqrt(2 / (tau dt)) (unit normal); 1D: sqrt(2 speed_std^2 / (tau dt))
SPEED_MEAN = 5  # 2D: Rayleigh sigma; 1D: the OU drift
TWO_SIGMA2 = 6  # 2 speed_mean^2
HALF_MEAN = 7  # 0.5 speed_mean, the speed after a wall bounce
REPEL_D = 8  # wall_repel_distance
REPEL_D2 = 9  # wall_repel_distance^2
REPEL_V = 10  # wall_repel_strength * speed_mean
SPRING_K = 11  # REPEL_V^2 / REPEL_D^2
SPRING_C = 12  # 3 (1 - thigmotaxis)^2
CONVEYOR_C = 13  # 6 thigmotaxis^2
HD_KEEP = 14  # 1 - dt / head_direction_smoothing_timescale
HD_NEW = 15  # dt / head_direction_smoothing_timescale
SCALE = 16  # Environment.scale (periodic shortest-vector rule)
HALF_SCALE = 17
X0, X1, Y0, Y1 = 18, 19, 20, 21  # extent
X_LO, X_HI, Y_LO, Y_HI = 22, 23, 24, 25  # solid boundary: clip 1 cm inside the extent
N_PRM = 26

# Indices into the integer flag vector ``flg``.
DIM = 0  # 1 or 2
PERIODIC = 1
RECTANGULAR = 2
REPEL = 3  # 2D wall repulsion on (walls present, wall_repel_strength != 0)
SPEED_FIXED = 4  # 2D speed_std == 0: the speed is speed_mean
HD_SMOOTH = 5  # 2D head_direction_smoothing_timescale > dt
N_FLG = 6

# Per-seed kinematic state ``kin``: position, velocity (the Agent's), rotational velocity,
# head direction. 1D uses PX, VX and HX.
PX, PY, VX, VY, W, HX, HY = 0, 1, 2, 3, 4, 5, 6
N_KIN = 7


def buffer_size(n_walls: int) -> int:
    """Normals per step drawn up front, plus room for a repeated collision test and a zero step."""
    return 2 + (2 + 4 * n_walls) + 2 * (4 * n_walls + 4) + 2


@njit(inline="always")
def _clip_unit(u):
    """Python's ``min(max(1e-6, u), 1 - 1e-6)``, as RatInABox writes it."""
    m = u if u > 1e-6 else 1e-6
    hi = 1 - 1e-6
    return hi if hi < m else m


@njit
def _bounce(vx, vy, ax, ay, bx, by):
    """Velocity reflected off the wall from (ax, ay) to (bx, by) (``utils.wall_bounce``)."""
    ex, ey = bx - ax, by - ay
    perp_x, perp_y = -ey, ex
    if perp_x * vx + perp_y * vy <= 0:
        perp_x, perp_y = -perp_x, -perp_y
    par_x, par_y = ex, ey
    if par_x * vx + par_y * vy <= 0:
        par_x, par_y = -par_x, -par_y
    n_par = math.sqrt(par_x * par_x + par_y * par_y)
    n_perp = math.sqrt(perp_x * perp_x + perp_y * perp_y)
    par_x, par_y = par_x / n_par, par_y / n_par
    perp_x, perp_y = perp_x / n_perp, perp_y / n_perp
    along = vx * par_x + vy * par_y
    across = vx * perp_x + vy * perp_y
    return par_x * along - perp_x * across, par_y * along - perp_y * across


@njit
def _inside_polygon(px, py, boundary):
    """Strictly inside the polygon ``boundary`` (n, 2) (even-odd rule; the edge itself has measure 0)."""
    inside = False
    n = boundary.shape[0]
    j = n - 1
    for i in range(n):
        xi, yi = boundary[i, 0], boundary[i, 1]
        xj, yj = boundary[j, 0], boundary[j, 1]
        if (yi > py) != (yj > py):
            if px < (xj - xi) * (py - yi) / (yj - yi) + xi:
                inside = not inside
        j = i
    return inside


@njit
def _resample_in_polygon(key, ints, x0, x1, y0, y1, boundary):
    """A uniform position in the polygon: ``sample_positions(1, "random")`` draws x, y until inside."""
    while True:
        px = x0 + (x1 - x0) * next_double(key, ints)
        py = y0 + (y1 - y0) * next_double(key, ints)
        if _inside_polygon(px, py, boundary):
            return px, py


@njit(inline="always")
def _first_crossed_wall(ppx, ppy, px, py, walls, buf, o):
    """Index of the first wall the step crosses, or -1 (``utils.vector_intercepts``).

    ``buf[o:]`` holds the 1e-9 m jitter: 4 per wall, then 4 for the step.
    """
    n = walls.shape[0]
    s = o + 4 * n
    b0x = ppx + 1e-9 * buf[s]
    b0y = ppy + 1e-9 * buf[s + 1]
    b1x = px + 1e-9 * buf[s + 2]
    b1y = py + 1e-9 * buf[s + 3]
    sbx, sby = b1x - b0x, b1y - b0y
    for k in range(n):
        a0x = walls[k, 0, 0] + 1e-9 * buf[o + 4 * k]
        a0y = walls[k, 0, 1] + 1e-9 * buf[o + 4 * k + 1]
        a1x = walls[k, 1, 0] + 1e-9 * buf[o + 4 * k + 2]
        a1y = walls[k, 1, 1] + 1e-9 * buf[o + 4 * k + 3]
        d0x, d0y = b0x - a0x, b0y - a0y
        sax, say = a1x - a0x, a1y - a0y
        l_a = (d0x * -sby + d0y * sbx) / (sax * -sby + say * sbx)
        l_b = (-d0x * -say + -d0y * sax) / (sbx * -say + sby * sax)
        if 0 < l_a < 1 and 0 < l_b < 1:
            return k
    return -1


@njit(inline="always")
def _repel(px, py, vx, vy, prm, walls, buf, o):
    """Wall repulsion: the new (px, py, vx, vy) (``Agent._wall_velocity_update``).

    ``buf[o:]`` holds the 1e-6 m jitter: 2 for the position, then 4 per wall.
    """
    d, d2, v, k_spring = prm[REPEL_D], prm[REPEL_D2], prm[REPEL_V], prm[SPRING_K]
    jx = px + 1e-6 * buf[o]
    jy = py + 1e-6 * buf[o + 1]
    acc_x = acc_y = push_x = push_y = 0.0
    for k in range(walls.shape[0]):
        q = o + 2 + 4 * k
        a0x = walls[k, 0, 0] + 1e-6 * buf[q]
        a0y = walls[k, 0, 1] + 1e-6 * buf[q + 1]
        a1x = walls[k, 1, 0] + 1e-6 * buf[q + 2]
        a1y = walls[k, 1, 1] + 1e-6 * buf[q + 3]
        sx, sy = a1x - a0x, a1y - a0y
        lam = ((jx - a0x) * sx + (jy - a0y) * sy) / (sx * sx + sy * sy)
        if lam > 1:
            lam = 1.0
        if lam < 0:
            lam = 0.0
        ux = jx - (a0x + lam * sx)
        uy = jy - (a0y + lam * sy)
        dist = math.sqrt(ux * ux + uy * uy)
        if dist <= d:
            gap = d - dist
            acc = k_spring * gap
            speed = v * (1 - math.sqrt(1 - gap * gap / d2))
            acc_x += acc * (ux / dist)
            acc_y += acc * (uy / dist)
            push_x += speed * (ux / dist)
            push_y += speed * (uy / dist)
    dt = prm[DT]
    vx = vx + prm[SPRING_C] * (acc_x * dt)
    vy = vy + prm[SPRING_C] * (acc_y * dt)
    px = px + prm[CONVEYOR_C] * (push_x * dt)
    py = py + prm[CONVEYOR_C] * (push_y * dt)
    return px, py, vx, vy


@njit(inline="always")
def _shortest(d, prm, flg):
    """A displacement taken the short way round a periodic arena (RatInABox uses ``scale``)."""
    if flg[PERIODIC] and abs(d) > prm[HALF_SCALE]:
        return -math.copysign(1.0, d) * (prm[SCALE] - abs(d))
    return d


@njit(inline="always")
def _speed_update(vx, vy, g_rot, g_speed, w, prm, flg):
    """Step 1 in 2D: the new (vx, vy, w) from the two OU draws."""
    dt = prm[DT]
    w = w + (prm[ROT_THETA] * (0.0 - w) * dt + prm[ROT_SIGMA] * (dt * g_rot))
    angle = w * dt
    c, s = math.cos(angle), math.sin(angle)
    vx, vy = c * vx + -s * vy, s * vx + c * vy
    speed = math.sqrt(vx * vx + vy * vy)
    if speed == 0:
        vx, vy, speed = 1e-8, 0.0, 1e-8
    z = ndtri(_clip_unit(1 - math.exp(-(speed * speed) / prm[TWO_SIGMA2])))
    z = z + (prm[SPEED_THETA] * (0.0 - z) * dt + prm[SPEED_SIGMA] * (dt * g_speed))
    new_speed = prm[SPEED_MEAN] * math.sqrt(-2 * math.log(1 - ndtr(z)))
    if flg[SPEED_FIXED]:
        new_speed = prm[SPEED_MEAN]
    ratio = new_speed / speed
    return ratio * vx, ratio * vy, w


@njit
def _advance_2d(start, stop, prm, flg, walls, boundary, kin, key, ints, cached, buf, pos, vel, hd, agv):
    """Steps ``start .. stop - 1`` of one 2D Agent; writes columns of the (2, T) outputs."""
    dt = prm[DT]
    n_walls = walls.shape[0]
    n_repel = 2 + 4 * n_walls if flg[REPEL] else 0
    n_collide = 4 * n_walls + 4 if n_walls > 0 else 0
    o_collide = 2 + n_repel
    o_extra = o_collide + n_collide
    px, py, vx, vy, w, hx, hy = kin[PX], kin[PY], kin[VX], kin[VY], kin[W], kin[HX], kin[HY]
    for i in range(start, stop):
        fill_gauss(key, ints, cached, buf, 0, o_extra)
        ppx, ppy = px, py
        vx, vy, w = _speed_update(vx, vy, buf[0], buf[1], w, prm, flg)
        if flg[REPEL]:
            px, py, vx, vy = _repel(px, py, vx, vy, prm, walls, buf, 2)
        px = px + vx * dt
        py = py + vy * dt
        if n_walls > 0:
            o = o_collide
            while True:
                k = _first_crossed_wall(ppx, ppy, px, py, walls, buf, o)
                if k < 0:
                    break
                vx, vy = _bounce(vx, vy, walls[k, 0, 0], walls[k, 0, 1], walls[k, 1, 0], walls[k, 1, 1])
                ratio = prm[HALF_MEAN] / math.sqrt(vx * vx + vy * vy)
                vx, vy = ratio * vx, ratio * vy
                px = ppx + vx * dt
                py = ppy + vy * dt
                o = o_extra
                fill_gauss(key, ints, cached, buf, o, n_collide)
        # outside the arena (``Environment.check_if_position_is_in_environment``: strictly inside)
        if flg[RECTANGULAR]:
            if not (prm[X0] < px < prm[X1] and prm[Y0] < py < prm[Y1]):
                if flg[PERIODIC]:
                    px = px % prm[X1]
                    py = py % prm[Y1]
                else:
                    px = min(max(px, prm[X_LO]), prm[X_HI])
                    py = min(max(py, prm[Y_LO]), prm[Y_HI])
        elif not _inside_polygon(px, py, boundary):  # a polygon: a fresh uniform position inside it
            px, py = _resample_in_polygon(key, ints, prm[X0], prm[X1], prm[Y0], prm[Y1], boundary)
        mvx = _shortest(px - ppx, prm, flg) / dt
        mvy = _shortest(py - ppy, prm, flg) / dt
        if math.sqrt(mvx * mvx + mvy * mvy) == 0:
            fill_gauss(key, ints, cached, buf, o_extra, 2)
            mvx, mvy = 1e-8 * buf[o_extra], 1e-8 * buf[o_extra + 1]
        norm = math.sqrt(mvx * mvx + mvy * mvy)
        if flg[HD_SMOOTH]:
            hx = hx * prm[HD_KEEP] + prm[HD_NEW] * (mvx / norm)
            hy = hy * prm[HD_KEEP] + prm[HD_NEW] * (mvy / norm)
            norm_h = math.sqrt(hx * hx + hy * hy)
            hx, hy = hx / norm_h, hy / norm_h
        else:
            hx, hy = mvx / norm, mvy / norm
        pos[0, i], pos[1, i] = px, py
        vel[0, i], vel[1, i] = mvx, mvy
        hd[0, i], hd[1, i] = hx, hy
        agv[0, i], agv[1, i] = vx, vy
    kin[PX], kin[PY], kin[VX], kin[VY], kin[W], kin[HX], kin[HY] = px, py, vx, vy, w, hx, hy


@njit
def _advance_1d(start, stop, prm, flg, kin, key, ints, cached, buf, pos, vel, hd, agv):
    """Steps ``start .. stop - 1`` of one 1D Agent; writes columns of the (1, T) outputs."""
    dt = prm[DT]
    px, vx = kin[PX], kin[VX]
    hx = kin[HX]
    for i in range(start, stop):
        fill_gauss(key, ints, cached, buf, 0, 1)
        ppx = px
        vx = vx + (prm[SPEED_THETA] * (prm[SPEED_MEAN] - vx) * dt + prm[SPEED_SIGMA] * (dt * buf[0]))
        px = px + vx * dt
        if not prm[X0] < px < prm[X1]:
            if flg[PERIODIC]:
                px = px % prm[X1]
            else:
                px = min(max(px, prm[X_LO]), prm[X_HI])
        mvx = _shortest(px - ppx, prm, flg) / dt
        if math.sqrt(mvx * mvx) == 0:
            fill_gauss(key, ints, cached, buf, 1, 1)
            mvx = 1e-8 * buf[1]
        hx = np.sign(mvx)
        pos[0, i], vel[0, i], hd[0, i], agv[0, i] = px, mvx, hx, vx
    kin[PX], kin[VX], kin[HX] = px, vx, hx


@njit(nogil=True)
def advance(start, stop, prm, flg, walls, boundary, kin, key, ints, cached, buf, pos, vel, hd, agv):
    """Advance every seed (leading axis of the state and output arrays) from step ``start`` to ``stop``.

    Runs without the GIL: threads may advance disjoint slices of the seeds at the same time.
    """
    for s in range(kin.shape[0]):
        _advance_seed(s, start, stop, prm, flg, walls, boundary, kin, key, ints, cached, buf, pos, vel, hd, agv)


@njit
def _advance_seed(s, start, stop, prm, flg, walls, boundary, kin, key, ints, cached, buf, pos, vel, hd, agv):
    if flg[DIM] == 1:
        _advance_1d(start, stop, prm, flg, kin[s], key[s], ints[s], cached[s], buf[s], pos[s], vel[s], hd[s], agv[s])
    else:
        _advance_2d(start, stop, prm, flg, walls, boundary, kin[s], key[s], ints[s], cached[s], buf[s],
                    pos[s], vel[s], hd[s], agv[s])
