"""Parameterised STEM and reasoning problems for the demo (internal to `assay.demo`).

Every generator draws its numbers from the `random.Random` it is given, computes the right answer in
code, and writes four responses of planted quality: a clear correct derivation, a correct answer with
sloppy or wrong reasoning, a plausible slip that ends in a wrong answer, and one that leans on an
invented theorem. Theorem names such as "the Lindqvist balance theorem" are made up on purpose.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from random import Random

from assay.demo._seed_common import (
    CORRECT,
    HALLUCINATED,
    SLOPPY,
    WRONG,
    Difficulty,
    Lang,
    dec,
    frac,
    paren,
    pick,
    plus,
    poly,
    term,
    tex_num,
)


@dataclass(frozen=True)
class Problem:
    generator: str
    subdomain: str
    difficulty: Difficulty
    prompt: str
    reference: str
    variants: dict[str, str]
    """Response text by planted quality (CORRECT, SLOPPY, WRONG, HALLUCINATED)."""


Generator = Callable[[Random, Lang], Problem]

# LaTeX pieces for use inside f-string expressions (which may not contain backslashes before Python 3.12).
DOT = "\\cdot"
TIMES = "\\times"
THIN = "\\,"
APPROX = "\\approx"


def _j(*parts: str) -> str:
    """Paragraphs joined by blank lines (empty parts dropped)."""
    return "\n\n".join(p for p in parts if p)


def _ans(lang: Lang, body: str) -> str:
    return pick(lang, f"**Answer:** {body}", f"**答案：** {body}")


def _eq_tail(num: int, den: int) -> str:
    """`\\frac{num}{den}` followed by its reduced form when that differs."""
    shown = frac(num, den) if den != 1 else str(num)
    reduced = tex_num(Fraction(num, den))
    return shown if reduced == shown else f"{shown} = {reduced}"


def _times(coef: int, value: Fraction | int) -> str:
    return paren(value) if coef == 1 else f"{coef} \\cdot {paren(value)}"


# --- mathematics --------------------------------------------------------------------------------------------


def linear(rng: Random, lang: Lang) -> Problem:
    a = rng.randint(3, 9)
    c = rng.randint(1, a - 1)
    b = rng.choice([k for k in range(-15, 16) if k != 0])
    d = rng.choice([k for k in range(-20, 21) if k not in (0, b)])
    k = a - c
    x = Fraction(d - b, k)
    xw = Fraction(d + b, k)
    eq = f"{poly([a, b])} = {poly([c, d])}"
    kx, cx = term(k, 1, first=True), term(c, 1, first=True)
    prompt = pick(
        lang,
        rng.choice([f"Solve for $x$:\n\n$${eq}$$", f"Find the value of $x$ that satisfies ${eq}$. Show your working."]),
        rng.choice([f"解方程：\n\n$${eq}$$", f"求满足 ${eq}$ 的 $x$ 的值，并写出解题过程。"]),
    )
    xt, xwt = tex_num(x), tex_num(xw)
    collect = f"$${a}x - {cx} = {d}{plus(-b)}$$"
    divide = pick(lang, f"Divide both sides by ${k}$:", f"两边同时除以 ${k}$：") if k != 1 else ""
    solve = f"$$x = {_eq_tail(d - b, k)}$$" if k != 1 else ""
    check = ""
    if x.denominator == 1:
        lhs, rhs = f"{_times(a, x)}{plus(b)} = {a * x + b}", f"{_times(c, x)}{plus(d)} = {c * x + d}"
        check = pick(lang, f"Check: ${lhs}$ and ${rhs}$. ✓", f"检验：左边 ${lhs}$，右边 ${rhs}$。✓")
    correct = _j(
        pick(lang, "Collect the $x$-terms on the left and the constants on the right:", "把含 $x$ 的项移到左边，常数项移到右边："),
        collect,
        f"$${kx} = {d - b}$$",
        divide,
        solve,
        check,
        _ans(lang, f"$x = {xt}$"),
    )
    sloppy = pick(
        lang,
        f"Bring everything over: ${a}x + {cx} = {d}{plus(b)}$... hmm, no. It's ${kx} = {d - b}$, so $x = {xt}$.",
        f"全部移过去：${a}x + {cx} = {d}{plus(b)}$……不对，应该是 ${kx} = {d - b}$，所以 $x = {xt}$。",
    )
    wrong = _j(
        pick(lang, f"Subtract ${cx}$ from both sides:", f"两边同时减去 ${cx}$："),
        f"$${kx}{plus(b)} = {d}$$",
        pick(lang, "Move the constant to the right-hand side:", "把常数项移到右边："),
        f"$${kx} = {d + b}$$",
        divide,
        f"$$x = {_eq_tail(d + b, k)}$$" if k != 1 else "",
        _ans(lang, f"$x = {xwt}$"),
    )
    general = frac("d - b", "a - c")
    numbers = frac(f"{d} - {paren(b)}", f"{a} - {c}")
    hallucinated = _j(
        pick(
            lang,
            f"By the Lindqvist balance theorem, every equation $ax + b = cx + d$ with $a \\neq c$ has the unique solution $x = {general}$.",
            f"由林德奎斯特平衡定理，任何满足 $a \\neq c$ 的方程 $ax + b = cx + d$ 都有唯一解 $x = {general}$。",
        ),
        pick(lang, f"Here $a = {a}$, $b = {b}$, $c = {c}$, $d = {d}$, so", f"这里 $a = {a}$，$b = {b}$，$c = {c}$，$d = {d}$，所以"),
        f"$$x = {numbers} = {xt}$$",
        _ans(lang, f"$x = {xt}$"),
    )
    return Problem(
        "linear_equation",
        "Mathematics",
        "easy",
        prompt,
        f"$x = {xt}$",
        {CORRECT: correct, SLOPPY: sloppy, WRONG: wrong, HALLUCINATED: hallucinated},
    )


def quadratic(rng: Random, lang: Lang) -> Problem:
    while True:
        r1, r2 = sorted(rng.sample([k for k in range(-9, 10) if k != 0], 2))
        if r1 + r2 != 0:
            break
    p, q = -(r1 + r2), r1 * r2
    eq = f"{poly([1, p, q])} = 0"
    prompt = pick(
        lang,
        rng.choice([f"Solve the equation $${eq}$$", f"Find all real solutions of ${eq}$."]),
        rng.choice([f"解一元二次方程：$${eq}$$", f"求方程 ${eq}$ 的所有实数解。"]),
    )
    roots = pick(lang, f"$x = {r1}$ or $x = {r2}$", f"$x_1 = {r1}$，$x_2 = {r2}$")
    w1, w2 = sorted((-r1, -r2))
    wrong_roots = pick(lang, f"$x = {w1}$ or $x = {w2}$", f"$x_1 = {w1}$，$x_2 = {w2}$")
    factored = f"(x{plus(-r1)})(x{plus(-r2)})"
    correct = _j(
        pick(
            lang,
            f"Look for two numbers whose product is ${q}$ and whose sum is ${p}$: they are ${-r1}$ and ${-r2}$. So",
            f"找两个数，使它们的积为 ${q}$、和为 ${p}$：这两个数是 ${-r1}$ 和 ${-r2}$。于是",
        ),
        f"$${poly([1, p, q])} = {factored} = 0.$$",
        pick(
            lang,
            f"Check with Vieta's formulas: ${r1} + {paren(r2)} = {r1 + r2} = -({p})$ and ${r1} \\cdot {paren(r2)} = {q}$. ✓",
            f"用韦达定理检验：${r1} + {paren(r2)} = {r1 + r2} = -({p})$，${r1} \\cdot {paren(r2)} = {q}$。✓",
        ),
        _ans(lang, roots),
    )
    sloppy = pick(
        lang,
        f"The roots add up to ${-p}$ and multiply to ${q}$, so I just guessed: {roots}.",
        f"两根之和是 ${-p}$，两根之积是 ${q}$，凑一下就是 {roots}。",
    )
    wrong = _j(
        pick(lang, "Factor the left-hand side:", "对左边因式分解："),
        f"$$(x{plus(r1)})(x{plus(r2)}) = 0$$",
        _ans(lang, wrong_roots),
    )
    hallucinated = _j(
        pick(
            lang,
            "By the Petrov root-pairing theorem, the roots of a monic quadratic $x^2 + px + q$ are exactly the pair "
            f"of integer divisors of $q$ whose sum is $-p$. The divisor pair of ${q}$ with sum ${-p}$ is ${r1}, {r2}$.",
            f"由彼得罗夫配根定理，首一二次式 $x^2 + px + q$ 的两根恰好是 $q$ 的一对和为 $-p$ 的整数因数。"
            f"${q}$ 的因数中和为 ${-p}$ 的一对是 ${r1}, {r2}$。",
        ),
        _ans(lang, roots),
    )
    return Problem(
        "quadratic_equation",
        "Mathematics",
        "easy",
        prompt,
        pick(lang, f"$x = {r1}$ or $x = {r2}$", f"$x = {r1}$ 或 $x = {r2}$"),
        {CORRECT: correct, SLOPPY: sloppy, WRONG: wrong, HALLUCINATED: hallucinated},
    )


def derivative(rng: Random, lang: Lang) -> Problem:
    a = rng.choice([-3, -2, -1, 1, 2, 3, 4])
    b = rng.choice([k for k in range(-5, 6) if k != 0])
    c = rng.choice([k for k in range(-9, 10) if k != 0])
    d = rng.randint(-9, 9)
    x0 = rng.choice([-3, -2, -1, 1, 2, 3])

    def f(x: int) -> int:
        return a * x**3 + b * x**2 + c * x + d

    val = 3 * a * x0 * x0 + 2 * b * x0 + c
    val_w = a * x0 * x0 + 2 * b * x0 + c
    val_h = (f(x0 + 1) - f(x0 - 1)) // 2
    fx = poly([a, b, c, d])
    prompt = pick(lang, f"Let $f(x) = {fx}$. Compute $f'({x0})$.", f"设 $f(x) = {fx}$，求 $f'({x0})$。")
    fprime, fprime_w = poly([3 * a, 2 * b, c]), poly([a, 2 * b, c])
    sub = f"{3 * a} \\cdot {x0 * x0}{plus(2 * b * x0)}{plus(c)}"
    sub_w = f"{a} \\cdot {x0 * x0}{plus(2 * b * x0)}{plus(c)}"
    correct = _j(
        pick(
            lang,
            "Differentiate term by term with the power rule $\\frac{d}{dx}x^n = nx^{n-1}$:",
            "用幂函数求导法则 $\\frac{d}{dx}x^n = nx^{n-1}$ 逐项求导：",
        ),
        f"$$f'(x) = {fprime}$$",
        pick(lang, f"Substitute $x = {x0}$:", f"代入 $x = {x0}$："),
        f"$$f'({x0}) = {sub} = {val}$$",
        _ans(lang, f"$f'({x0}) = {val}$"),
    )
    sloppy = pick(
        lang,
        f"By the chain rule $f'(x) = {fprime}$, so $f'({x0}) = {val}$.",
        f"由链式法则，$f'(x) = {fprime}$，所以 $f'({x0}) = {val}$。",
    )
    wrong = _j(
        pick(lang, "Differentiate each term:", "逐项求导："),
        f"$$f'(x) = {fprime_w}$$",
        f"$$f'({x0}) = {sub_w} = {val_w}$$",
        _ans(lang, f"$f'({x0}) = {val_w}$"),
    )
    identity = "f'(x_0) = " + frac("f(x_0 + 1) - f(x_0 - 1)", "2")
    numbers = frac(f"{f(x0 + 1)} - {paren(f(x0 - 1))}", "2")
    hallucinated = _j(
        pick(
            lang,
            f"By the Brannigan derivative identity, every cubic satisfies ${identity}$ exactly, so no differentiation is needed.",
            f"由布兰尼根导数恒等式，任何三次函数都精确满足 ${identity}$，因此无需求导。",
        ),
        pick(
            lang,
            f"Here $f({x0 + 1}) = {f(x0 + 1)}$ and $f({x0 - 1}) = {f(x0 - 1)}$, so",
            f"这里 $f({x0 + 1}) = {f(x0 + 1)}$，$f({x0 - 1}) = {f(x0 - 1)}$，所以",
        ),
        f"$$f'({x0}) = {numbers} = {val_h}$$",
        _ans(lang, f"$f'({x0}) = {val_h}$"),
    )
    return Problem(
        "derivative_at_point",
        "Mathematics",
        "easy",
        prompt,
        str(val),
        {CORRECT: correct, SLOPPY: sloppy, WRONG: wrong, HALLUCINATED: hallucinated},
    )


def integral(rng: Random, lang: Lang) -> Problem:
    k = rng.randint(1, 4)
    a = rng.choice([-3, -2, -1, 1, 2, 3])
    b = rng.choice([k2 for k2 in range(-4, 5) if k2 != 0])
    c = rng.choice([k2 for k2 in range(-5, 6) if k2 != 0])
    terms = (Fraction(a * k**3, 3), Fraction(b * k**2, 2), Fraction(c * k))
    val = sum(terms, Fraction(0))
    val_w = Fraction(a * k**3) + terms[1] + terms[2]
    mid = Fraction(a * k * k, 4) + Fraction(b * k, 2) + c
    val_h = k * mid
    integrand = poly([a, b, c])
    prompt = pick(
        lang,
        f"Evaluate the definite integral $$\\int_0^{k} \\left({integrand}\\right) dx.$$",
        f"计算定积分 $$\\int_0^{k} \\left({integrand}\\right) dx.$$",
    )
    anti = poly([Fraction(a, 3), Fraction(b, 2), c, 0])
    anti_w = poly([a, Fraction(b, 2), c, 0])
    evaluation = f"{tex_num(terms[0])}{plus(terms[1])}{plus(terms[2])}"
    evaluation_w = f"{tex_num(a * k**3)}{plus(terms[1])}{plus(terms[2])}"
    vt, vwt, vht = tex_num(val), tex_num(val_w), tex_num(val_h)
    correct = _j(
        pick(lang, "An antiderivative of the integrand is", "被积函数的一个原函数是"),
        f"$$F(x) = {anti}.$$",
        pick(lang, "By the fundamental theorem of calculus,", "由牛顿–莱布尼茨公式，"),
        f"$$\\int_0^{k} f(x)\\,dx = F({k}) - F(0) = {evaluation} - 0 = {vt}.$$",
        _ans(lang, f"${vt}$"),
    )
    sloppy = pick(
        lang,
        f"Integrate: $\\int = {anti}$, plug in {k}, get ${vt}$.",
        f"积分：$\\int = {anti}$，代入 {k}，得 ${vt}$。",
    )
    wrong = _j(
        pick(lang, "Integrate term by term:", "逐项积分："),
        f"$$F(x) = {anti_w}$$",
        f"$$F({k}) - F(0) = {evaluation_w} = {vwt}$$",
        _ans(lang, f"${vwt}$"),
    )
    half = tex_num(Fraction(k, 2))
    hallucinated = _j(
        pick(
            lang,
            "By the Harrow midpoint theorem, the integral of any quadratic over $[0, k]$ equals $k \\cdot f(k/2)$ exactly.",
            "由哈罗中点定理，任何二次函数在 $[0, k]$ 上的积分都精确等于 $k \\cdot f(k/2)$。",
        ),
        pick(lang, f"Here $f({half}) = {tex_num(mid)}$, so", f"这里 $f({half}) = {tex_num(mid)}$，所以"),
        f"$$\\int_0^{k} f(x)\\,dx = {k} \\cdot {paren(mid)} = {vht}.$$",
        _ans(lang, f"${vht}$"),
    )
    return Problem(
        "definite_integral",
        "Mathematics",
        "medium",
        prompt,
        tex_num(val) if val.denominator == 1 else f"${vt}$",
        {CORRECT: correct, SLOPPY: sloppy, WRONG: wrong, HALLUCINATED: hallucinated},
    )


def dice(rng: Random, lang: Lang) -> Problem:
    s = rng.choice([3, 4, 5, 6, 7, 8, 9, 10, 11])
    pairs = [(i, s - i) for i in range(1, 7) if 1 <= s - i <= 6]
    ways = len(pairs)
    prob = Fraction(ways, 36)
    listed = ", ".join(f"$({i}, {j})$" for i, j in pairs)
    prompt = pick(
        lang,
        f"Two fair six-sided dice are rolled. What is the probability that the two numbers add up to {s}?",
        f"同时掷两枚均匀的六面骰子，两枚骰子点数之和为 {s} 的概率是多少？",
    )
    tail = _eq_tail(ways, 36)
    pt = tex_num(prob)
    unit = pick(lang, "outcome" if ways == 1 else "outcomes", "种")
    correct = _j(
        pick(lang, "There are $6 \\times 6 = 36$ equally likely ordered outcomes.", "共有 $6 \\times 6 = 36$ 种等可能的有序结果。"),
        pick(lang, f"The outcomes with sum {s} are {listed}: {ways} {unit}.", f"点数和为 {s} 的结果有 {listed}，共 {ways} {unit}。"),
        f"$$P = {tail}$$",
        _ans(lang, f"${pt}$"),
    )
    first = f"$({pairs[0][0]}, {pairs[0][1]})$"
    sloppy = pick(
        lang,
        f"Only a few combos give {s}, like {first} and so on, so it's about {ways} out of 36, i.e. ${pt}$.",
        f"能凑出 {s} 的组合不多，比如 {first} 之类的，大概是 36 种里的 {ways} 种，也就是 ${pt}$。",
    )
    wrong = _j(
        pick(
            lang,
            f"The possible sums are $2, 3, \\dots, 12$, which is 11 outcomes, and exactly one of them is {s}. So",
            f"点数和可能是 $2, 3, \\dots, 12$，共 11 种结果，其中恰有一种是 {s}。所以",
        ),
        f"$$P = {frac(1, 11)}$$",
        _ans(lang, f"${frac(1, 11)}$"),
    )
    hallucinated = _j(
        pick(
            lang,
            "By Feldmann's dice-count theorem, the number of ways to roll a total of $s$ with two dice is $6 - |s - 7|$. "
            f"For $s = {s}$ that gives ${ways}$ ways out of $36$, so",
            f"由费尔德曼骰子计数定理，两枚骰子掷出总和 $s$ 的方法数是 $6 - |s - 7|$。$s = {s}$ 时有 ${ways}$ 种，所以",
        ),
        f"$$P = {tail}$$",
        _ans(lang, f"${pt}$"),
    )
    return Problem(
        "dice_probability",
        "Mathematics",
        "easy",
        prompt,
        f"${pt}$",
        {CORRECT: correct, SLOPPY: sloppy, WRONG: wrong, HALLUCINATED: hallucinated},
    )


def series(rng: Random, lang: Lang) -> Problem:
    a1 = rng.randint(-10, 20)
    d = rng.choice([-3, -2, 2, 3, 4, 5, 6, 7])
    n = rng.randint(10, 30)
    an = a1 + (n - 1) * d
    total = n * (a1 + an) // 2
    an_w = a1 + n * d
    total_w = Fraction(n * (a1 + an_w), 2)
    prompt = pick(
        lang,
        f"An arithmetic sequence has first term $a_1 = {a1}$ and common difference $d = {d}$. Find the sum of its first ${n}$ terms.",
        f"等差数列 $\\{{a_n\\}}$ 的首项 $a_1 = {a1}$，公差 $d = {d}$，求它的前 ${n}$ 项和。",
    )
    sum_formula = "S_n = " + frac("n(a_1 + a_n)", "2")
    plugged = frac(f"{n}({a1}{plus(an)})", "2")
    plugged_w = frac(f"{n}({a1}{plus(an_w)})", "2")
    correct = _j(
        pick(lang, f"The last term (term number {n}) is", f"第 {n} 项为"),
        f"$$a_n = a_1 + (n - 1)d = {a1}{plus((n - 1) * d)} = {an}.$$",
        pick(lang, "Then", "于是"),
        f"$${sum_formula} = {plugged} = {total}.$$",
        _ans(lang, f"${total}$"),
    )
    sloppy = pick(
        lang,
        f"Average of first and last term times the number of terms: $({a1}{plus(an)})/2 \\times {n} = {total}$.",
        f"首末项平均数乘项数：$({a1}{plus(an)})/2 \\times {n} = {total}$。",
    )
    wrong = _j(
        pick(lang, "The last term is", "末项为"),
        f"$$a_n = a_1 + nd = {a1}{plus(n * d)} = {an_w},$$",
        pick(lang, "so", "所以"),
        f"$${sum_formula} = {plugged_w} = {tex_num(total_w)}.$$",
        _ans(lang, f"${tex_num(total_w)}$"),
    )
    lemma = "S_n = na_1 + " + frac("n(n-1)", "2") + "d"
    hallucinated = _j(
        pick(
            lang,
            f"Gauss's second pairing lemma states that ${lemma}$ for every arithmetic sequence. Hence",
            f"由高斯第二配对引理，任意等差数列都满足 ${lemma}$。因此",
        ),
        f"$$S_{{{n}}} = {n} \\cdot {paren(a1)} + {frac(f'{n} {DOT} {n - 1}', 2)} \\cdot {paren(d)} = {total}.$$",
        _ans(lang, f"${total}$"),
    )
    return Problem(
        "arithmetic_series",
        "Mathematics",
        "easy",
        prompt,
        str(total),
        {CORRECT: correct, SLOPPY: sloppy, WRONG: wrong, HALLUCINATED: hallucinated},
    )


def combinations(rng: Random, lang: Lang) -> Problem:
    n = rng.randint(7, 15)
    k = rng.randint(3, 5)
    ways, perms = math.comb(n, k), math.perm(n, k)
    okafor = perms // k
    en_ctx = rng.choice(
        [
            f"A club has {n} members. In how many ways can it choose a committee of {k} members (all seats on the committee are identical)?",
            f"A pizzeria offers {n} different toppings. How many different pizzas with exactly {k} distinct toppings can you order?",
        ]
    )
    zh_ctx = rng.choice(
        [
            f"某社团有 {n} 名成员，要从中选出 {k} 人组成委员会（委员不分职务），共有多少种不同的选法？",
            f"一家披萨店提供 {n} 种不同的配料，恰好选 {k} 种不同配料的披萨共有多少种？",
        ]
    )
    prompt = pick(lang, en_ctx, zh_ctx)
    falling = " \\cdot ".join(str(n - i) for i in range(k))
    binom = f"\\binom{{{n}}}{{{k}}}"
    correct = _j(
        pick(lang, "The order of choice does not matter, so we count combinations:", "选择与顺序无关，所以计算组合数："),
        f"$${binom} = {frac(f'{n}!', f'{k}!{THIN}{n - k}!')} = {frac(falling, f'{k}!')} = {frac(perms, math.factorial(k))} = {ways}.$$",
        _ans(lang, f"${ways}$"),
    )
    sloppy = pick(
        lang,
        f"Order matters here, so it's ${binom} = {ways}$.",
        f"这里要考虑顺序，所以是 ${binom} = {ways}$。",
    )
    wrong = _j(
        pick(
            lang,
            f"The first choice can be made in {n} ways, the next in {n - 1} ways, and so on for {k} picks:",
            f"第一个有 {n} 种选法，第二个有 {n - 1} 种选法，依此类推，共选 {k} 个：",
        ),
        f"$${falling} = {perms}.$$",
        _ans(lang, f"${perms}$"),
    )
    principle = frac("n!", "(n-k)!\\,k")
    hallucinated = _j(
        pick(
            lang,
            f"By the Okafor selection principle, the number of unordered selections of $k$ items from $n$ is ${principle}$.",
            f"由奥卡福选择原理，从 $n$ 个中不计顺序选 $k$ 个的方法数是 ${principle}$。",
        ),
        f"$${frac(f'{n}!', f'{n - k}! {DOT} {k}')} = {frac(perms, k)} = {okafor}.$$",
        _ans(lang, f"${okafor}$"),
    )
    return Problem(
        "combinations",
        "Mathematics",
        "easy",
        prompt,
        str(ways),
        {CORRECT: correct, SLOPPY: sloppy, WRONG: wrong, HALLUCINATED: hallucinated},
    )


# --- physics, engineering, chemistry, biology ---------------------------------------------------------------


def kinematics(rng: Random, lang: Lang) -> Problem:
    acc = rng.choice([Fraction(3, 2), Fraction(2), Fraction(5, 2), Fraction(3), Fraction(4)])
    t = rng.randint(4, 12)
    v, s = acc * t, acc * t * t / 2
    s_w = acc * t * t
    at, vt, st, swt = dec(acc), dec(v), dec(s), dec(s_w)
    prompt = pick(
        lang,
        f"A cyclist starts from rest and accelerates uniformly at ${at}\\ \\text{{m/s}}^2$ for ${t}$ s. "
        "How far does she travel in that time, and what is her final speed?",
        f"一辆汽车从静止开始以 ${at}\\ \\text{{m/s}}^2$ 的加速度做匀加速直线运动，求它在 ${t}$ s 内的位移和 ${t}$ s 末的速度。",
    )
    reference = pick(lang, f"$s = {st}$ m, $v = {vt}$ m/s", f"位移 $s = {st}$ m，速度 $v = {vt}$ m/s")
    v_line = f"$$v = at = {at} \\times {t} = {vt}\\ \\text{{m/s}}$$"
    correct = _j(
        pick(lang, "For uniform acceleration from rest ($u = 0$):", "初速度为零的匀加速直线运动："),
        v_line,
        f"$$s = \\tfrac12 a t^2 = \\tfrac12 \\times {at} \\times {t}^2 = {st}\\ \\text{{m}}$$",
        _ans(lang, reference),
    )
    sloppy = pick(
        lang,
        f"v = {vt}, and the distance is half of v times t, so {st}.",
        f"v = {vt}，位移是 v 乘 t 的一半，所以是 {st}。",
    )
    wrong = _j(
        v_line,
        pick(lang, "and the distance is", "位移为"),
        f"$$s = at^2 = {at} \\times {t}^2 = {swt}\\ \\text{{m}}$$",
        _ans(lang, pick(lang, f"$s = {swt}$ m, $v = {vt}$ m/s", f"位移 $s = {swt}$ m，速度 $v = {vt}$ m/s")),
    )
    hallucinated = _j(
        pick(
            lang,
            "By Newton's fourth law of motion, a body starting from rest covers half the product of its acceleration "
            "and the square of the elapsed time, and its speed grows as $at$.",
            "由牛顿第四运动定律，从静止出发的物体，位移等于加速度与时间平方乘积的一半，速度为 $at$。",
        ),
        f"$$s = \\tfrac12 \\times {at} \\times {t}^2 = {st}\\ \\text{{m}}, \\qquad v = {vt}\\ \\text{{m/s}}$$",
        _ans(lang, reference),
    )
    return Problem(
        "kinematics",
        "Physics",
        "easy",
        prompt,
        reference,
        {CORRECT: correct, SLOPPY: sloppy, WRONG: wrong, HALLUCINATED: hallucinated},
    )


def speed_conversion(rng: Random, lang: Lang) -> Problem:
    j = rng.randint(2, 7)
    vk, v = 18 * j, 5 * j
    t = rng.choice([12, 15, 20, 30, 36, 45, 60])
    dist = v * t
    v_w = Fraction(vk * 18, 5)
    prompt = pick(
        lang,
        f"A train travels at a constant {vk} km/h. Express this speed in m/s and find how far the train travels in {t} s.",
        f"一列火车以 {vk} km/h 的速度匀速行驶。把这个速度换算成 m/s，并求它在 {t} s 内行驶的距离。",
    )
    reference = pick(lang, f"$v = {v}$ m/s, $d = {dist}$ m", f"$v = {v}$ m/s，$d = {dist}$ m")
    conv = frac(f"{vk} \\times 1000\\ \\text{{m}}", "3600\\ \\text{s}")
    correct = _j(
        f"$$v = {vk}\\ \\text{{km/h}} = {conv} = {v}\\ \\text{{m/s}}$$",
        f"$$d = vt = {v} \\times {t} = {dist}\\ \\text{{m}}$$",
        _ans(lang, reference),
    )
    sloppy = pick(
        lang,
        f"Divide by 3.6 (there are about 3.6 seconds in an hour): $v = {v}$ m/s, so $d = {dist}$ m.",
        f"除以 3.6 就行（一小时大约有 3.6 秒）：$v = {v}$ m/s，所以 $d = {dist}$ m。",
    )
    wrong = _j(
        pick(lang, "To convert km/h to m/s, multiply by 3.6:", "km/h 换算成 m/s 要乘以 3.6："),
        f"$$v = {vk} \\times 3.6 = {dec(v_w)}\\ \\text{{m/s}}$$",
        f"$$d = vt = {dec(v_w)} \\times {t} = {dec(v_w * t)}\\ \\text{{m}}$$",
        _ans(lang, pick(lang, f"$v = {dec(v_w)}$ m/s, $d = {dec(v_w * t)}$ m", f"$v = {dec(v_w)}$ m/s，$d = {dec(v_w * t)}$ m")),
    )
    rule = "1\\ \\text{km/h} = " + frac(5, 18) + "\\ \\text{m/s}"
    hallucinated = _j(
        pick(
            lang,
            f"By Maxwell's speed-conversion theorem, ${rule}$. Therefore",
            f"由麦克斯韦速度换算定理，${rule}$。因此",
        ),
        f"$$v = {vk} \\times {frac(5, 18)} = {v}\\ \\text{{m/s}}, \\qquad d = {v} \\times {t} = {dist}\\ \\text{{m}}$$",
        _ans(lang, reference),
    )
    return Problem(
        "speed_conversion",
        "Physics",
        "easy",
        prompt,
        reference,
        {CORRECT: correct, SLOPPY: sloppy, WRONG: wrong, HALLUCINATED: hallucinated},
    )


def _ohms(x: Fraction) -> str:
    return tex_num(x) if x.denominator == 1 else f"{tex_num(x)} \\approx {dec(x)}"


def _ohms_tail(num: int, den: int) -> str:
    value = Fraction(num, den)
    shown = _eq_tail(num, den)
    return shown if value.denominator == 1 else f"{shown} \\approx {dec(value)}"


def parallel_resistors(rng: Random, lang: Lang) -> Problem:
    r1, r2 = rng.sample([2, 3, 4, 6, 8, 10, 12, 15, 20, 30], 2)
    volts = rng.choice([6, 9, 12, 24])
    r = Fraction(r1 * r2, r1 + r2)
    cur = volts / r
    r_w = Fraction(r1 + r2)
    cur_w = volts / r_w
    prompt = pick(
        lang,
        f"Two resistors, ${r1}\\ \\Omega$ and ${r2}\\ \\Omega$, are connected in parallel across an ideal {volts} V supply. "
        "Find the equivalent resistance and the total current drawn from the supply.",
        f"把 ${r1}\\ \\Omega$ 和 ${r2}\\ \\Omega$ 两个电阻并联后接在 {volts} V 的理想电源上，求等效电阻和电源输出的总电流。",
    )
    sep = pick(lang, ", ", "，")
    reference = f"$R = {_ohms(r)}\\ \\Omega${sep}$I = {_ohms(cur)}$ A"
    combine = frac(1, "R") + " = " + frac(1, r1) + " + " + frac(1, r2)
    correct = _j(
        pick(lang, "For resistors in parallel the conductances add:", "并联电阻的电导相加："),
        f"$${combine} \\;\\Rightarrow\\; R = {frac(f'{r1} {DOT} {r2}', f'{r1} + {r2}')} = {_ohms(r)}\\ \\Omega$$",
        pick(lang, "By Ohm's law the total current is", "由欧姆定律，总电流为"),
        f"$$I = {frac('V', 'R')} = {_ohms(cur)}\\ \\text{{A}}$$",
        _ans(lang, reference),
    )
    sloppy = pick(
        lang,
        f"In parallel the resistance is smaller than either one, so $R = {_ohms(r)}\\ \\Omega$ and $I = {_ohms(cur)}$ A.",
        f"并联后电阻比任何一个都小，所以 $R = {_ohms(r)}\\ \\Omega$，$I = {_ohms(cur)}$ A。",
    )
    wrong = _j(
        pick(lang, "The resistances add:", "电阻相加："),
        f"$$R = {r1} + {r2} = {r1 + r2}\\ \\Omega, \\qquad I = {_ohms_tail(volts, r1 + r2)}\\ \\text{{A}}$$",
        _ans(lang, f"$R = {r1 + r2}\\ \\Omega${sep}$I = {_ohms(cur_w)}$ A"),
    )
    law = "R = " + frac("R_1 R_2", "R_1 + R_2")
    hallucinated = _j(
        pick(
            lang,
            f"By Kirchhoff's third law, two resistances in parallel combine as ${law}$.",
            f"由基尔霍夫第三定律，两个并联电阻的等效电阻为 ${law}$。",
        ),
        f"$$R = {_ohms(r)}\\ \\Omega, \\qquad I = {_ohms(cur)}\\ \\text{{A}}$$",
        _ans(lang, reference),
    )
    return Problem(
        "parallel_resistors",
        "Engineering",
        "easy",
        prompt,
        reference,
        {CORRECT: correct, SLOPPY: sloppy, WRONG: wrong, HALLUCINATED: hallucinated},
    )


_COMPOUNDS: tuple[tuple[str, str, str, Fraction], ...] = (
    ("water", "水", "\\mathrm{H_2O}", Fraction(18)),
    ("carbon dioxide", "二氧化碳", "\\mathrm{CO_2}", Fraction(44)),
    ("sodium chloride", "氯化钠", "\\mathrm{NaCl}", Fraction(117, 2)),
    ("calcium carbonate", "碳酸钙", "\\mathrm{CaCO_3}", Fraction(100)),
    ("glucose", "葡萄糖", "\\mathrm{C_6H_{12}O_6}", Fraction(180)),
    ("sodium hydroxide", "氢氧化钠", "\\mathrm{NaOH}", Fraction(40)),
)


def moles(rng: Random, lang: Lang) -> Problem:
    name, name_zh, formula, molar = rng.choice(_COMPOUNDS)
    n = rng.choice([Fraction(1, 4), Fraction(1, 2), Fraction(3, 2), Fraction(2), Fraction(5, 2), Fraction(3)])
    mass = n * molar
    n_w = molar / mass
    mt, mm, nt = dec(mass), dec(molar), dec(n)
    prompt = pick(
        lang,
        f"How many moles are there in {mt} g of {name} (${formula}$)? Use $M = {mm}\\ \\text{{g/mol}}$.",
        f"{mt} g {name_zh}（${formula}$）的物质的量是多少？已知 $M = {mm}\\ \\text{{g/mol}}$。",
    )
    reference = f"{nt} mol"
    grams = frac(mt + "\\ \\text{g}", mm + "\\ \\text{g/mol}")
    formula_line = f"$$n = {frac('m', 'M')} = {grams} = {nt}\\ \\text{{mol}}$$"
    correct = _j(
        pick(lang, "The amount of substance is mass divided by molar mass:", "物质的量等于质量除以摩尔质量："),
        formula_line,
        _ans(lang, f"{nt} mol"),
    )
    sloppy = pick(
        lang,
        f"n = m/M, and M is the atomic number of the compound, so n = {nt}.",
        f"n = m/M，M 就是这个化合物的原子序数，所以 n = {nt}。",
    )
    wrong = _j(
        pick(lang, "Moles are molar mass over mass:", "物质的量等于摩尔质量除以质量："),
        f"$$n = {frac('M', 'm')} = {frac(mm, mt)} {'=' if Fraction(dec(n_w, 3)) == n_w else APPROX} {dec(n_w, 3)}\\ \\text{{mol}}$$",
        _ans(lang, f"{dec(n_w, 3)} mol"),
    )
    hallucinated = _j(
        pick(
            lang,
            "By the Avogadro–Dalton mass law, the amount of any pure substance equals its mass divided by its molar mass.",
            "由阿伏伽德罗–道尔顿质量定律，任何纯净物的物质的量都等于其质量除以摩尔质量。",
        ),
        formula_line,
        _ans(lang, f"{nt} mol"),
    )
    return Problem(
        "moles_from_mass",
        "Chemistry",
        "easy",
        prompt,
        reference,
        {CORRECT: correct, SLOPPY: sloppy, WRONG: wrong, HALLUCINATED: hallucinated},
    )


def dilution(rng: Random, lang: Lang) -> Problem:
    c1 = Fraction(rng.choice([2, 5, 6, 12]))
    c2 = rng.choice([Fraction(1, 10), Fraction(1, 4), Fraction(1, 2), Fraction(1)])
    v2 = Fraction(rng.choice([100, 250, 500, 1000]))
    v1 = c2 * v2 / c1
    v1_w = c1 * v2 / c2
    c1t, c2t, v2t, v1t = dec(c1), dec(c2), dec(v2), dec(v1)
    rel = "=" if Fraction(v1t) == v1 else "\\approx"
    about = "" if rel == "=" else pick(lang, "about ", " 约 ")
    prompt = pick(
        lang,
        f"How many millilitres of a {c1t} mol/L hydrochloric acid stock solution are needed to prepare {v2t} mL of {c2t} mol/L HCl?",
        f"需要多少毫升 {c1t} mol/L 的盐酸储备液，才能配制 {v2t} mL {c2t} mol/L 的稀盐酸？",
    )
    reference = f"{about}{v1t} mL"
    line = f"$$V_1 = {frac('c_2 V_2', 'c_1')} = {frac(f'{c2t} {TIMES} {v2t}', c1t)} {rel} {v1t}\\ \\text{{mL}}$$"
    correct = _j(
        pick(
            lang,
            "The amount of HCl is the same before and after dilution, so $c_1 V_1 = c_2 V_2$:",
            "稀释前后溶质 HCl 的物质的量不变，即 $c_1 V_1 = c_2 V_2$：",
        ),
        line,
        pick(
            lang,
            f"Measure {about}{v1t} mL of the stock and make it up to {v2t} mL with water (add the acid to the water, not the other way round).",
            f"量取{about or ' '}{v1t} mL 储备液，加水定容至 {v2t} mL（应把酸加入水中，而不是把水加入酸中）。",
        ),
        _ans(lang, reference),
    )
    sloppy = pick(
        lang,
        f"Moles of solvent are conserved, so $c_1V_1 = c_2V_2$ and $V_1 {rel} {v1t}$ mL.",
        f"溶剂的物质的量守恒，所以 $c_1V_1 = c_2V_2$，$V_1 {rel} {v1t}$ mL。",
    )
    wrong = _j(
        pick(lang, "Scale the volume by the concentration ratio:", "按浓度比例换算体积："),
        f"$$V_1 = {frac('c_1 V_2', 'c_2')} = {frac(f'{c1t} {TIMES} {v2t}', c2t)} = {dec(v1_w)}\\ \\text{{mL}}$$",
        _ans(lang, f"{dec(v1_w)} mL"),
    )
    hallucinated = _j(
        pick(
            lang,
            "By Raoult's dilution theorem, the product of concentration and volume is invariant under dilution.",
            "由拉乌尔稀释定理，稀释过程中浓度与体积的乘积保持不变。",
        ),
        line,
        _ans(lang, reference),
    )
    return Problem(
        "dilution",
        "Chemistry",
        "easy",
        prompt,
        reference,
        {CORRECT: correct, SLOPPY: sloppy, WRONG: wrong, HALLUCINATED: hallucinated},
    )


_INCIDENCE: tuple[tuple[int, int], ...] = ((100, 10), (400, 20), (2500, 50), (10000, 100))
"""(1 in N affected, 1/q): q^2 = 1/N."""


def hardy_weinberg(rng: Random, lang: Lang) -> Problem:
    n_aff, inv_q = rng.choice(_INCIDENCE)
    q = Fraction(1, inv_q)
    p = 1 - q
    het = 2 * p * q
    one_in = round(1 / het)
    nice = f"{n_aff:,}"
    prompt = pick(
        lang,
        f"An autosomal recessive disorder affects 1 in {nice} newborns in a population assumed to be in Hardy–Weinberg "
        "equilibrium. What fraction of the population are heterozygous carriers?",
        f"某常染色体隐性遗传病在一个处于哈迪–温伯格平衡的人群中的发病率为 1/{n_aff}。人群中杂合携带者的比例是多少？",
    )
    reference = pick(lang, f"$2pq = {dec(het, 4)}$ (about 1 in {one_in})", f"$2pq = {dec(het, 4)}$（约 1/{one_in}）")
    q_line = f"$$q^2 = {frac(1, n_aff)} \\;\\Rightarrow\\; q = {dec(q, 2)}, \\qquad p = 1 - q = {dec(p, 2)}$$"
    het_line = f"$$2pq = 2 \\times {dec(p, 2)} \\times {dec(q, 2)} = {dec(het, 4)}$$"
    correct = _j(
        pick(
            lang,
            "Affected individuals are the recessive homozygotes, so their frequency is $q^2$:",
            "患者是隐性纯合子，其频率为 $q^2$：",
        ),
        q_line,
        pick(lang, "Carriers are heterozygotes, with frequency $2pq$:", "携带者是杂合子，频率为 $2pq$："),
        het_line,
        _ans(lang, reference),
    )
    sloppy = pick(
        lang,
        f"Hardy–Weinberg always holds exactly in real populations, so $q = {dec(q, 2)}$ and carriers are $2pq = {dec(het, 4)}$.",
        f"真实人群总是严格满足哈迪–温伯格平衡，所以 $q = {dec(q, 2)}$，携带者比例 $2pq = {dec(het, 4)}$。",
    )
    wrong = _j(
        q_line,
        pick(lang, f"The carrier frequency is the allele frequency $q$, i.e. {dec(q, 2)}.", f"携带者比例就是等位基因频率 $q$，即 {dec(q, 2)}。"),
        _ans(lang, f"${dec(q, 2)}$"),
    )
    hallucinated = _j(
        pick(
            lang,
            "By the Punnett–Weinberg carrier rule, the carrier frequency of a recessive allele is exactly $2q$.",
            "由庞尼特–温伯格携带者法则，隐性等位基因的携带者频率恰好是 $2q$。",
        ),
        f"$$2q = 2 \\times {dec(q, 2)} = {dec(2 * q, 2)}$$",
        _ans(lang, f"${dec(2 * q, 2)}$"),
    )
    return Problem(
        "hardy_weinberg",
        "Biology",
        "medium",
        prompt,
        reference,
        {CORRECT: correct, SLOPPY: sloppy, WRONG: wrong, HALLUCINATED: hallucinated},
    )


# --- computer science -------------------------------------------------------------------------------------


def python_trace(rng: Random, lang: Lang) -> Problem:
    k = rng.choice([2, 3, 4])
    n = k * rng.randint(3, 6)
    multiples = list(range(k, n + 1, k))
    total = sum(i * i for i in multiples)
    total_w = total - n * n
    code = (
        "```python\n"
        "def f(n):\n"
        "    total = 0\n"
        "    for i in range(1, n + 1):\n"
        f"        if i % {k} == 0:\n"
        "            total += i * i\n"
        "    return total\n"
        "\n"
        f"print(f({n}))\n"
        "```"
    )
    prompt = pick(lang, f"What does this Python program print?\n\n{code}", f"下面这段 Python 代码输出什么？\n\n{code}")
    squares = " + ".join(str(i * i) for i in multiples)
    listed = ", ".join(str(i) for i in multiples)
    correct = _j(
        pick(
            lang,
            f"`range(1, n + 1)` yields $1, 2, \\dots, {n}$ (the stop value is exclusive, hence the `+ 1`). "
            f"Only multiples of {k} are added, and each is squared: {listed}.",
            f"`range(1, n + 1)` 产生 $1, 2, \\dots, {n}$（终止值不包含在内，所以要 `+ 1`）。只累加 {k} 的倍数的平方：{listed}。",
        ),
        f"$${squares} = {total}$$",
        pick(lang, f"So the program prints `{total}`.", f"所以程序输出 `{total}`。"),
    )
    first_two = " + ".join(str(i * i) for i in multiples[:2])
    sloppy = pick(
        lang,
        f"It adds up squares of the multiples of {k}: {first_two} + ... = {total}.",
        f"就是把 {k} 的倍数的平方加起来：{first_two} + …… = {total}。",
    )
    wrong_list = " + ".join(str(i * i) for i in multiples[:-1])
    wrong = _j(
        pick(
            lang,
            f"`range(1, n + 1)` stops at `n - 1`, so the loop runs up to {n - 1} and adds the squares of the multiples of {k} below {n}:",
            f"`range(1, n + 1)` 在 `n - 1` 处停止，所以循环只到 {n - 1}，累加小于 {n} 的 {k} 的倍数的平方：",
        ),
        f"$${wrong_list} = {total_w}$$",
        pick(lang, f"It prints `{total_w}`.", f"输出 `{total_w}`。"),
    )
    m = n // k
    closed = f"k^2 \\cdot {frac('m(m+1)(2m+1)', 6)}"
    hallucinated = _j(
        pick(
            lang,
            f"By the Ramsey–Turing loop-invariant theorem, a filtered accumulation loop like this one always returns ${closed}$ "
            f"with $m = n / k$. Here $k = {k}$ and $m = {m}$:",
            f"由拉姆齐–图灵循环不变量定理，这类带过滤条件的累加循环总是返回 ${closed}$，其中 $m = n / k$。这里 $k = {k}$，$m = {m}$：",
        ),
        f"$${k}^2 \\cdot {frac(f'{m} {DOT} {m + 1} {DOT} {2 * m + 1}', 6)} = {total}$$",
        pick(lang, f"It prints `{total}`.", f"输出 `{total}`。"),
    )
    return Problem(
        "python_trace",
        "Computer Science",
        "easy",
        prompt,
        str(total),
        {CORRECT: correct, SLOPPY: sloppy, WRONG: wrong, HALLUCINATED: hallucinated},
    )


def js_trace(rng: Random, lang: Lang) -> Problem:
    while True:
        xs = rng.sample(range(1, 21), 6)
        odd, even = [x for x in xs if x % 2 == 1], [x for x in xs if x % 2 == 0]
        if len(odd) >= 2 and even and sum(odd) != sum(even):
            break
    m = rng.randint(2, 5)
    result, result_w = m * sum(odd), m * sum(even)
    code = (
        "```javascript\n"
        f"const xs = [{', '.join(map(str, xs))}];\n"
        "const result = xs\n"
        "  .filter((x) => x % 2 === 1)\n"
        f"  .map((x) => x * {m})\n"
        "  .reduce((acc, x) => acc + x, 0);\n"
        "console.log(result);\n"
        "```"
    )
    prompt = pick(lang, f"What does this JavaScript snippet log?\n\n{code}", f"下面的 JavaScript 代码会打印什么？\n\n{code}")
    mapped = [x * m for x in odd]
    correct = _j(
        pick(
            lang,
            f"1. `filter` keeps the odd numbers: `[{', '.join(map(str, odd))}]`.\n"
            f"2. `map` multiplies each by {m}: `[{', '.join(map(str, mapped))}]`.\n"
            "3. `reduce` sums them, starting from `0`.",
            f"1. `filter` 保留奇数：`[{', '.join(map(str, odd))}]`；\n"
            f"2. `map` 把每个数乘以 {m}：`[{', '.join(map(str, mapped))}]`；\n"
            "3. `reduce` 从 `0` 开始求和。",
        ),
        f"$${' + '.join(map(str, mapped))} = {result}$$",
        pick(lang, f"It logs `{result}`.", f"打印 `{result}`。"),
    )
    sloppy = pick(lang, f"Odd ones times {m}, added up: {result}.", f"奇数乘 {m} 再相加：{result}。")
    wrong = _j(
        pick(
            lang,
            f"`filter` removes the elements for which the callback returns `true`, so the odd numbers are dropped and "
            f"`[{', '.join(map(str, even))}]` remain. Multiplying by {m} and summing:",
            f"`filter` 会删除回调返回 `true` 的元素，所以奇数被去掉，剩下 `[{', '.join(map(str, even))}]`。乘以 {m} 后求和：",
        ),
        f"$${' + '.join(str(x * m) for x in even)} = {result_w}$$",
        pick(lang, f"It logs `{result_w}`.", f"打印 `{result_w}`。"),
    )
    hallucinated = _j(
        pick(
            lang,
            "According to the ECMAScript lazy-pipeline guarantee (ES2019, section 22.1.3.7), chained `filter`, `map` and "
            "`reduce` calls are fused into a single pass, so we can process each element once:",
            "根据 ECMAScript 惰性管道保证（ES2019 第 22.1.3.7 节），链式调用的 `filter`、`map`、`reduce` 会被合并为一次遍历，"
            "因此每个元素只需处理一次：",
        ),
        f"$${' + '.join(map(str, mapped))} = {result}$$",
        pick(lang, f"It logs `{result}`.", f"打印 `{result}`。"),
    )
    return Problem(
        "javascript_trace",
        "Computer Science",
        "easy",
        prompt,
        str(result),
        {CORRECT: correct, SLOPPY: sloppy, WRONG: wrong, HALLUCINATED: hallucinated},
    )


def binary(rng: Random, lang: Lang) -> Problem:
    while True:
        n = rng.randint(40, 250)
        bits = format(n, "08b")
        if bits != bits[::-1]:
            break
    hexa = format(n, "02X")
    rev = bits[::-1]
    rev_hex = format(int(rev, 2), "02X")
    prompt = pick(
        lang,
        f"Convert the decimal number {n} to 8-bit binary and to hexadecimal.",
        f"把十进制数 {n} 转换成 8 位二进制数和十六进制数。",
    )
    reference = f"`{bits}` / `0x{hexa}`"
    powers = " + ".join(str(1 << (7 - i)) for i, bit in enumerate(bits) if bit == "1")
    nibbles = f"`{bits[:4]} {bits[4:]}`"
    correct = _j(
        pick(lang, f"Write {n} as a sum of powers of two:", f"把 {n} 写成 2 的幂之和："),
        f"$${n} = {powers}$$",
        pick(
            lang,
            f"Marking the powers $128, 64, \\dots, 1$ that appear gives `{bits}`. Splitting into nibbles, {nibbles}, "
            f"each group of four bits is one hex digit: `0x{hexa}`.",
            f"在 $128, 64, \\dots, 1$ 中出现的位记为 1，得到 `{bits}`。每 4 位一组：{nibbles}，每组对应一个十六进制数字：`0x{hexa}`。",
        ),
        _ans(lang, reference),
    )
    sloppy = pick(
        lang,
        f"Divide by 2 repeatedly and read the remainders from top to bottom: `{bits}`, which is `0x{hexa}`.",
        f"反复除以 2，从上往下读余数：`{bits}`，也就是 `0x{hexa}`。",
    )
    wrong = _j(
        pick(
            lang,
            f"Repeated division by 2 gives the remainders {', '.join(rev)}. Reading them in order: `{rev}`, i.e. `0x{rev_hex}`.",
            f"反复除以 2，依次得到余数 {', '.join(rev)}。按顺序读出：`{rev}`，即 `0x{rev_hex}`。",
        ),
        _ans(lang, f"`{rev}` / `0x{rev_hex}`"),
    )
    hallucinated = _j(
        pick(
            lang,
            f"By Shannon's nibble theorem, every byte splits into exactly two hexadecimal digits. {n} in binary is `{bits}`, "
            f"and the nibbles {nibbles} give `0x{hexa}`.",
            f"由香农半字节定理，每个字节恰好对应两个十六进制数字。{n} 的二进制是 `{bits}`，按半字节 {nibbles} 得到 `0x{hexa}`。",
        ),
        _ans(lang, reference),
    )
    return Problem(
        "binary_conversion",
        "Computer Science",
        "easy",
        prompt,
        reference,
        {CORRECT: correct, SLOPPY: sloppy, WRONG: wrong, HALLUCINATED: hallucinated},
    )


_NAMES = ("Ana", "Bo", "Chen", "Dara", "Eli", "Farah", "Goran", "Hana", "Ines", "Jun")
_DEPTS = ("Engineering", "Finance", "Sales", "Support")


def sql_groupby(rng: Random, lang: Lang) -> Problem:
    while True:
        names = rng.sample(_NAMES, 7)
        depts = [rng.choice(_DEPTS) for _ in names]
        counts = {d: depts.count(d) for d in sorted(set(depts))}
        if any(c == 1 for c in counts.values()) and any(c >= 2 for c in counts.values()):
            break
    rows = "\n".join(f"| {n} | {d} |" for n, d in zip(names, depts, strict=True))
    query = (
        "```sql\n"
        "SELECT dept, COUNT(*) AS n\n"
        "FROM employees\n"
        "GROUP BY dept\n"
        "HAVING COUNT(*) >= 2\n"
        "ORDER BY n DESC, dept;\n"
        "```"
    )
    prompt = pick(
        lang,
        f"Given the table `employees`:\n\n| name | dept |\n|---|---|\n{rows}\n\nwhat does this query return?\n\n{query}",
        f"已知表 `employees`：\n\n| name | dept |\n|---|---|\n{rows}\n\n下面的查询返回什么？\n\n{query}",
    )
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    kept = [(d, c) for d, c in ordered if c >= 2]

    def table(pairs: list[tuple[str, int]]) -> str:
        return "| dept | n |\n|---|---|\n" + "\n".join(f"| {d} | {c} |" for d, c in pairs)

    reference = "; ".join(f"{d}: {c}" for d, c in kept)
    per_group = ", ".join(f"{d} {c}" for d, c in ordered)
    correct = _j(
        pick(
            lang,
            f"`GROUP BY dept` forms one group per department with counts {per_group}. "
            "`HAVING COUNT(*) >= 2` then drops the groups with a single employee, and the rest are sorted by count "
            "(descending), ties by name:",
            f"`GROUP BY dept` 按部门分组，各组人数为：{per_group}。`HAVING COUNT(*) >= 2` 去掉只有一人的组，其余按人数降序、同数按部门名排序：",
        ),
        table(kept),
    )
    sloppy = _j(
        pick(
            lang,
            "`HAVING` works like `WHERE`: it filters rows before they are grouped. The result is:",
            "`HAVING` 和 `WHERE` 一样，是在分组之前过滤行。结果是：",
        ),
        table(kept),
    )
    wrong = _j(
        pick(lang, "It counts the employees in each department:", "统计每个部门的人数："),
        table(ordered),
    )
    hallucinated = _j(
        pick(
            lang,
            "By Codd's fourth aggregation rule, `HAVING` is evaluated after `GROUP BY`, so only groups with at least two rows survive:",
            "根据科德第四聚合规则，`HAVING` 在 `GROUP BY` 之后执行，因此只保留至少两行的分组：",
        ),
        table(kept),
    )
    return Problem(
        "sql_group_by",
        "Computer Science",
        "medium",
        prompt,
        reference,
        {CORRECT: correct, SLOPPY: sloppy, WRONG: wrong, HALLUCINATED: hallucinated},
    )


# --- reasoning puzzles -------------------------------------------------------------------------------------


def _hours(lang: Lang, t: Fraction) -> str:
    minutes = t * 60
    whole = int(t)
    if minutes.denominator == 1:
        rest = int(minutes) - whole * 60
        if rest == 0:
            return pick(lang, f"{whole} h", f"{whole} 小时")
        return pick(lang, f"{whole} h {rest} min", f"{whole} 小时 {rest} 分钟")
    return pick(lang, f"about {dec(t)} h", f"约 {dec(t)} 小时")


def work_rate(rng: Random, lang: Lang) -> Problem:
    a, b = sorted(rng.sample([2, 3, 4, 5, 6, 8, 10, 12], 2))
    t = Fraction(a * b, a + b)
    t_w = Fraction(a + b, 2)
    prompt = pick(
        lang,
        f"Pipe A can fill a tank in {a} hours and pipe B can fill it in {b} hours. "
        "If both pipes are opened together, how long will it take to fill the tank?",
        f"一个水池，单开甲管 {a} 小时可以注满，单开乙管 {b} 小时可以注满。两管同时打开，需要多长时间注满？",
    )
    tt = tex_num(t)
    if t.denominator == 1:
        reference = pick(lang, f"${tt}$ h", f"${tt}$ 小时")
    else:
        reference = pick(lang, f"${tt}$ h ({_hours(lang, t)})", f"${tt}$ 小时（{_hours(lang, t)}）")
    rates = f"{frac(1, a)} + {frac(1, b)} = {_eq_tail(a + b, a * b)}"
    correct = _j(
        pick(
            lang,
            f"Pipe A fills ${frac(1, a)}$ of the tank per hour and pipe B fills ${frac(1, b)}$. Together:",
            f"甲管每小时注满水池的 ${frac(1, a)}$，乙管每小时注满 ${frac(1, b)}$。两管合开：",
        ),
        f"$${rates}$$",
        pick(lang, "of the tank per hour, so the time is the reciprocal:", "（每小时注满的部分），所需时间是它的倒数："),
        f"$$t = {_eq_tail(a * b, a + b)}\\ \\text{{h}}$$",
        _ans(lang, reference),
    )
    sloppy = pick(
        lang,
        f"Together they're faster, so it's less than {a} hours: $t = {_eq_tail(a * b, a + b)}$ h.",
        f"合开更快，所以少于 {a} 小时：$t = {_eq_tail(a * b, a + b)}$ 小时。",
    )
    wrong = _j(
        pick(lang, "Working together, the time is the average of the two times:", "两管合开，时间取两者的平均值："),
        f"$$t = {frac(f'{a} + {b}', 2)} = {tex_num(t_w)}\\ \\text{{h}}$$",
        _ans(lang, pick(lang, f"${tex_num(t_w)}$ h", f"${tex_num(t_w)}$ 小时")),
    )
    hallucinated = _j(
        pick(
            lang,
            "By Halvorsen's cistern theorem, two inflows with filling times $a$ and $b$ together take $" + frac("ab", "a + b") + "$.",
            "由哈尔沃森水池定理，注满时间分别为 $a$、$b$ 的两管合开所需时间为 $" + frac("ab", "a + b") + "$。",
        ),
        f"$$t = {frac(f'{a} {DOT} {b}', f'{a} + {b}')} = {tt}\\ \\text{{h}}$$",
        _ans(lang, reference),
    )
    return Problem(
        "work_rate",
        "Puzzles",
        "medium",
        prompt,
        reference,
        {CORRECT: correct, SLOPPY: sloppy, WRONG: wrong, HALLUCINATED: hallucinated},
    )


_TIMES_EN = {2: "twice", 3: "three times", 4: "four times", 5: "five times"}


def ages(rng: Random, lang: Lang) -> Problem:
    while True:
        b = rng.randint(3, 12)
        m, n = rng.choice([(3, 2), (4, 2), (5, 2), (4, 3), (5, 3)])
        if (b * (m - n)) % (n - 1) == 0:
            break
    k = b * (m - n) // (n - 1)
    x_w = Fraction((n + 1) * k, m - n)
    prompt = pick(
        lang,
        f"A mother is {_TIMES_EN[m]} as old as her son. In {k} years she will be {_TIMES_EN[n]} as old as he will be then. "
        "How old are they now?",
        f"妈妈现在的年龄是儿子的 {m} 倍，{k} 年后妈妈的年龄将是儿子的 {n} 倍。母子二人现在各多少岁？",
    )
    answer = pick(lang, f"son {b}, mother {m * b}", f"儿子 {b} 岁，妈妈 {m * b} 岁")
    setup = pick(
        lang,
        f"Let the son's age be $x$; the mother is ${m}x$. In {k} years:",
        f"设儿子现在 $x$ 岁，妈妈 ${m}x$ 岁。{k} 年后：",
    )
    equation = f"$${m}x + {k} = {n}(x + {k})$$"
    correct = _j(
        setup,
        equation,
        f"$${m}x + {k} = {n}x + {n * k} \\;\\Rightarrow\\; {term(m - n, 1, first=True)} = {(n - 1) * k} \\;\\Rightarrow\\; x = {b}$$",
        pick(
            lang,
            f"Check: in {k} years they are {m * b + k} and {b + k}, and ${m * b + k} = {n} \\times {b + k}$. ✓",
            f"检验：{k} 年后两人分别为 {m * b + k} 岁和 {b + k} 岁，${m * b + k} = {n} \\times {b + k}$。✓",
        ),
        _ans(lang, answer),
    )
    sloppy = pick(
        lang,
        f"Trying small numbers, the son being {b} works, so the mother is {m * b}.",
        f"试几个数，儿子 {b} 岁正好合适，所以妈妈 {m * b} 岁。",
    )
    xwt = tex_num(x_w)
    mwt = tex_num(m * x_w)
    wrong = _j(
        setup,
        equation,
        f"$${m}x + {k} = {n}x + {n * k} \\;\\Rightarrow\\; {term(m - n, 1, first=True)} = {n * k} + {k} = {(n + 1) * k} \\;\\Rightarrow\\; x = {xwt}$$",
        _ans(lang, pick(lang, f"son ${xwt}$, mother ${mwt}$", f"儿子 ${xwt}$ 岁，妈妈 ${mwt}$ 岁")),
    )
    rule = "x = " + frac("(n - 1)k", "m - n")
    hallucinated = _j(
        pick(
            lang,
            f"By the Ahmes age-ratio theorem, if a parent is $m$ times as old as a child now and $n$ times as old in $k$ years, the child is ${rule}$.",
            f"由阿赫摩斯年龄比定理：若父母现在的年龄是孩子的 $m$ 倍，$k$ 年后是 $n$ 倍，则孩子现在 ${rule}$ 岁。",
        ),
        f"$$x = {frac(f'({n} - 1) {DOT} {k}', f'{m} - {n}')} = {b}$$",
        _ans(lang, answer),
    )
    return Problem(
        "age_puzzle",
        "Puzzles",
        "medium",
        prompt,
        answer,
        {CORRECT: correct, SLOPPY: sloppy, WRONG: wrong, HALLUCINATED: hallucinated},
    )


GENERATORS: dict[str, Generator] = {
    "linear_equation": linear,
    "quadratic_equation": quadratic,
    "derivative_at_point": derivative,
    "definite_integral": integral,
    "dice_probability": dice,
    "arithmetic_series": series,
    "combinations": combinations,
    "kinematics": kinematics,
    "speed_conversion": speed_conversion,
    "parallel_resistors": parallel_resistors,
    "moles_from_mass": moles,
    "dilution": dilution,
    "hardy_weinberg": hardy_weinberg,
    "python_trace": python_trace,
    "javascript_trace": js_trace,
    "binary_conversion": binary,
    "sql_group_by": sql_groupby,
    "work_rate": work_rate,
    "age_puzzle": ages,
}
