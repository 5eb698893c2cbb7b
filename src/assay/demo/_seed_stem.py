"""The "stem-rubric" demo project: STEM-heavy prompts, one model response each, rated against a rubric.

Responses vary in quality on purpose (metadata `response_quality`): a clear correct derivation, a
correct answer reached by sloppy or wrong reasoning, a wrong final answer, or an appeal to a theorem
that does not exist. Hand-written seeds come first, then parameterised problems from
`_seed_stem_gen` fill the project up to its size.
"""

from __future__ import annotations

from random import Random

from assay.demo._seed_common import (
    ATLAS,
    BOREALIS,
    CIRRUS,
    CORRECT,
    HALLUCINATED,
    MODELS,
    SEED,
    SLOPPY,
    WRONG,
    Lang,
    Message,
    Record,
    block,
    chat,
    item,
)
from assay.demo._seed_stem_gen import GENERATORS

# How many problems each generator contributes, and how many of those are in Chinese / chat-shaped.
_PLAN: tuple[tuple[str, int], ...] = (
    ("linear_equation", 6),
    ("quadratic_equation", 6),
    ("derivative_at_point", 6),
    ("definite_integral", 6),
    ("dice_probability", 5),
    ("arithmetic_series", 5),
    ("combinations", 5),
    ("kinematics", 4),
    ("speed_conversion", 3),
    ("parallel_resistors", 4),
    ("moles_from_mass", 4),
    ("dilution", 3),
    ("hardy_weinberg", 3),
    ("python_trace", 3),
    ("javascript_trace", 3),
    ("binary_conversion", 2),
    ("sql_group_by", 2),
    ("work_rate", 3),
    ("age_puzzle", 3),
)
_GENERATED_ZH = 21
_GENERATED_CHAT = 15
_QUALITY_WEIGHTS: tuple[tuple[str, int], ...] = ((CORRECT, 35), (SLOPPY, 20), (WRONG, 30), (HALLUCINATED, 15))

_CHAT_OPENERS: dict[Lang, tuple[tuple[str, str, str], ...]] = {
    "en": (
        (
            "You are a careful STEM tutor. Show your reasoning step by step and state the final answer clearly.",
            "Hi! I'm revising for an exam tomorrow. Can I ask you a few practice questions?",
            "Of course. Send them over one at a time and I'll walk through each one.",
        ),
        (
            "You are a helpful assistant for university students. Use LaTeX for mathematics.",
            "I got a different answer from my textbook on a problem. Can you solve it independently so I can compare?",
            "Sure. Paste the problem and I'll work it out from scratch.",
        ),
        (
            "You are a study assistant. Keep answers concise but show the key steps.",
            "Quick question from my homework sheet, I just want to check my answer.",
            "Go ahead, what's the question?",
        ),
    ),
    "zh": (
        (
            "你是一名耐心的理科辅导老师，请逐步推理并清楚地给出最终答案。",
            "你好，我明天考试，想请你帮我看几道练习题。",
            "当然可以，请一道一道发给我，我会逐步讲解。",
        ),
        (
            "你是一个面向大学生的学习助手，数学公式请使用 LaTeX。",
            "这道题我算出来的答案和参考答案不一样，你能独立做一遍吗？",
            "好的，请把题目发给我，我会从头独立推导。",
        ),
    ),
}


def _wrap_chat(rng: Random, lang: Lang, prompt: str) -> list[Message]:
    system, opener, reply = rng.choice(_CHAT_OPENERS[lang])
    return chat(system, opener, reply, prompt)


def generated_stem(start: int = 0) -> list[Record]:
    """Parameterised problems with one response each, quality and model drawn from a seeded RNG."""
    rng = Random(SEED + 1)
    slots = [name for name, count in _PLAN for _ in range(count)]
    rng.shuffle(slots)
    zh = set(rng.sample(range(len(slots)), _GENERATED_ZH))
    chatty = set(rng.sample(range(len(slots)), _GENERATED_CHAT))
    qualities, weights = zip(*_QUALITY_WEIGHTS, strict=True)
    out: list[Record] = []
    for i, name in enumerate(slots):
        lang: Lang = "zh" if i in zh else "en"
        problem = GENERATORS[name](rng, lang)
        quality = rng.choices(qualities, weights)[0]
        model = rng.choice(MODELS)
        messages = _wrap_chat(rng, lang, problem.prompt) if i in chatty else None
        out.append(
            item(
                subdomain=problem.subdomain,
                language=lang,
                difficulty=problem.difficulty,
                reference=problem.reference,
                responses=[(model, problem.variants[quality])],
                response_quality=quality,
                generator=name,
                prompt=None if messages else problem.prompt,
                messages=messages,
            )
        )
    return out


def handwritten_stem() -> list[Record]:
    return [
        item(
            subdomain="Mathematics",
            language="en",
            difficulty="medium",
            prompt="Evaluate $$\\int_0^1 x e^{x}\\,dx.$$",
            reference="1",
            responses=[
                (
                    BOREALIS,
                    block(r"""
                    Use integration by parts with $u = x$ and $dv = e^x\,dx$, so $du = dx$ and $v = e^x$:

                    $$\int_0^1 x e^{x}\,dx = \Big[x e^{x}\Big]_0^1 - \int_0^1 e^{x}\,dx = (e - 0) - (e - 1) = 1.$$

                    **Answer:** $1$
                    """),
                )
            ],
            response_quality=CORRECT,
        ),
        item(
            subdomain="Mathematics",
            language="en",
            difficulty="medium",
            prompt="Find the sum of the infinite series $\\sum_{n=1}^{\\infty} \\frac{1}{n(n+1)}$.",
            reference="1",
            responses=[
                (
                    CIRRUS,
                    block(r"""
                    The terms $\frac{1}{n(n+1)}$ go to $0$, so the series converges. The first term is $\frac12$ and
                    the terms keep roughly halving, so the sum is $\frac12 + \frac14 + \frac18 + \dots = 1$.

                    **Answer:** $1$
                    """),
                )
            ],
            response_quality=SLOPPY,
        ),
        item(
            subdomain="Mathematics",
            language="en",
            difficulty="easy",
            prompt="How many positive divisors does 360 have?",
            reference="24",
            responses=[
                (
                    ATLAS,
                    block(r"""
                    First factor 360:

                    $$360 = 2^3 \cdot 3^2 \cdot 5$$

                    The number of divisors is the product of the exponents: $3 \cdot 2 \cdot 1 = 6$.

                    **Answer:** 6
                    """),
                )
            ],
            response_quality=WRONG,
        ),
        item(
            subdomain="Mathematics",
            language="en",
            difficulty="medium",
            prompt="Solve $\\log_2(x) + \\log_2(x - 2) = 3$.",
            reference="$x = 4$",
            responses=[
                (
                    ATLAS,
                    block(r"""
                    Combine the logarithms: $\log_2\big(x(x-2)\big) = 3$, so $x(x-2) = 2^3 = 8$, i.e.

                    $$x^2 - 2x - 8 = 0 \quad\Longrightarrow\quad (x - 4)(x + 2) = 0.$$

                    **Answer:** $x = 4$ or $x = -2$
                    """),
                )
            ],
            response_quality=WRONG,
        ),
        item(
            subdomain="Mathematics",
            language="en",
            difficulty="medium",
            prompt="What is the remainder when $7^{100}$ is divided by $5$?",
            reference="1",
            responses=[
                (
                    CIRRUS,
                    block(r"""
                    By the Strand–Kovalenko residue theorem, for a prime $p$ we have $a^{n} \equiv a^{\,n \bmod p} \pmod p$.
                    Here $100 \bmod 5 = 0$, so

                    $$7^{100} \equiv 7^{0} = 1 \pmod 5.$$

                    **Answer:** $1$
                    """),
                )
            ],
            response_quality=HALLUCINATED,
        ),
        item(
            subdomain="Mathematics",
            language="en",
            difficulty="easy",
            prompt="Find all real $x$ such that $|2x - 3| < 5$.",
            reference="$-1 < x < 4$",
            responses=[
                (
                    ATLAS,
                    block(r"""
                    An absolute-value inequality $|u| < 5$ means $-5 < u < 5$:

                    $$-5 < 2x - 3 < 5 \iff -2 < 2x < 8 \iff -1 < x < 4.$$

                    So the solution set is the open interval $(-1, 4)$.
                    """),
                )
            ],
            response_quality=CORRECT,
        ),
        item(
            subdomain="Mathematics",
            language="en",
            difficulty="easy",
            messages=chat(
                "You are a patient maths tutor for first-year university students. Use LaTeX for formulas and check "
                "the student's work rather than just giving answers.",
                "Can you remind me what the chain rule says?",
                "Sure! If $y = f(g(x))$, then $\\dfrac{dy}{dx} = f'(g(x)) \\cdot g'(x)$: differentiate the outer "
                "function, keep the inside as it is, then multiply by the derivative of the inside.",
                "OK. So what's the derivative of $\\sin(x^2)$? I got $\\cos(x^2)$, is that right?",
            ),
            reference="$2x\\cos(x^2)$",
            responses=[
                (
                    BOREALIS,
                    block(r"""
                    Almost! You've differentiated the outer function correctly but forgotten the inner derivative.

                    - Outer: $f(u) = \sin u$, so $f'(u) = \cos u$.
                    - Inner: $g(x) = x^2$, so $g'(x) = 2x$.

                    $$\frac{d}{dx}\sin(x^2) = \cos(x^2)\cdot 2x = 2x\cos(x^2).$$

                    A quick sanity check: near $x = 0$ we have $\sin(x^2) \approx x^2 \ge 0$, so the function has a
                    minimum at $0$ and its derivative there must be $0$. Your answer gives $\cos 0 = 1$, while
                    $2x\cos(x^2)$ gives $0$. ✓
                    """),
                )
            ],
            response_quality=CORRECT,
        ),
        item(
            subdomain="Mathematics",
            language="en",
            difficulty="easy",
            prompt="A fair coin is flipped 10 times. What is the probability of getting exactly 3 heads?",
            reference="$\\frac{15}{128}$",
            responses=[
                (
                    CIRRUS,
                    block(r"""
                    This is a Poisson distribution problem:

                    $$P = \binom{10}{3}\left(\tfrac12\right)^{10} = \frac{120}{1024} = \frac{15}{128}.$$
                    """),
                )
            ],
            response_quality=SLOPPY,
        ),
        item(
            subdomain="Mathematics",
            language="en",
            difficulty="hard",
            prompt="Find the number of ordered pairs of positive integers $(a, b)$ such that $$\\frac{1}{a} + \\frac{1}{b} = \\frac{1}{6}.$$",
            reference="9",
            responses=[
                (
                    BOREALIS,
                    block(r"""
                    Clear denominators: $6b + 6a = ab$, i.e. $ab - 6a - 6b = 0$. Adding $36$ to both sides lets us factor:

                    $$(a - 6)(b - 6) = 36.$$

                    If $a \le 6$ then $\frac1a \ge \frac16$ and $\frac1b$ would have to be $\le 0$, which is impossible;
                    so $a > 6$ and likewise $b > 6$. Both factors are therefore positive integers, and each divisor
                    $d$ of $36$ gives exactly one pair

                    $$(a, b) = \left(d + 6,\ \frac{36}{d} + 6\right).$$

                    Since $36 = 2^2 \cdot 3^2$ has $(2+1)(2+1) = 9$ positive divisors, there are **9** ordered pairs:
                    $(7, 42), (8, 24), (9, 18), (10, 15), (12, 12), (15, 10), (18, 9), (24, 8), (42, 7)$.
                    """),
                )
            ],
            response_quality=CORRECT,
        ),
        item(
            subdomain="Mathematics",
            language="en",
            difficulty="easy",
            prompt="Compute $$\\det\\begin{pmatrix} 2 & 1 & 0 \\\\ 1 & 3 & 1 \\\\ 0 & 1 & 4 \\end{pmatrix}.$$",
            reference="18",
            responses=[
                (
                    ATLAS,
                    block(r"""
                    Expand along the first row:

                    $$\det = 2\begin{vmatrix}3 & 1\\ 1 & 4\end{vmatrix} + 1\begin{vmatrix}1 & 1\\ 0 & 4\end{vmatrix} + 0 = 2(12 - 1) + 1(4 - 0) = 26.$$

                    **Answer:** $26$
                    """),
                )
            ],
            response_quality=WRONG,
        ),
        item(
            subdomain="Mathematics",
            language="en",
            difficulty="medium",
            prompt=(
                "Compare the convergence of $\\sum_{n\\ge1} \\frac{1}{n}$, $\\sum_{n\\ge1} \\frac{1}{n^2}$ and "
                "$\\sum_{n\\ge1} \\frac{(-1)^n}{n}$. Give a summary table (behaviour, sum if known, test used), then "
                "explain each briefly."
            ),
            reference=(
                "$\\sum 1/n$ diverges; $\\sum 1/n^2$ converges to $\\pi^2/6$; $\\sum (-1)^n/n$ converges "
                "conditionally to $-\\ln 2$."
            ),
            responses=[
                (
                    BOREALIS,
                    block(r"""
                    ## Summary

                    | Series | Behaviour | Sum | Test |
                    |---|---|---|---|
                    | $\sum \frac{1}{n}$ | diverges | — | integral test or grouping |
                    | $\sum \frac{1}{n^2}$ | converges absolutely | $\frac{\pi^2}{6}$ | $p$-series with $p = 2 > 1$ |
                    | $\sum \frac{(-1)^n}{n}$ | converges conditionally | $-\ln 2$ | alternating series (Leibniz) test |

                    ## Details

                    1. **Harmonic series.** Group the terms: $\frac13 + \frac14 > \frac12$, $\frac15 + \dots + \frac18 > \frac12$,
                       and so on. Each block adds more than $\frac12$, so the partial sums grow without bound.
                    2. **Basel problem.** $\int_1^\infty x^{-2}\,dx$ is finite, so the series converges; Euler showed that
                       $$\sum_{n=1}^{\infty} \frac{1}{n^2} = \frac{\pi^2}{6}.$$
                    3. **Alternating harmonic series.** The terms decrease to $0$ in absolute value, so the Leibniz test
                       gives convergence. From $\ln(1 + x) = \sum_{n\ge1} (-1)^{n+1} \frac{x^n}{n}$ at $x = 1$ we get
                       $\sum_{n\ge1} \frac{(-1)^n}{n} = -\ln 2$. The convergence is only *conditional*: the absolute
                       values form the harmonic series, which diverges.
                    """),
                )
            ],
            response_quality=CORRECT,
        ),
        item(
            subdomain="Mathematics",
            language="zh",
            difficulty="easy",
            prompt="求极限 $\\lim_{x\\to 0} \\frac{\\sin 3x}{x}$。",
            reference="3",
            responses=[
                (
                    CIRRUS,
                    block(r"""
                    解：利用重要极限 $\lim_{u\to 0}\frac{\sin u}{u} = 1$，令 $u = 3x$：

                    $$\lim_{x\to 0}\frac{\sin 3x}{x} = \lim_{x\to 0} 3\cdot\frac{\sin 3x}{3x} = 3 \times 1 = 3.$$

                    **答案：** $3$
                    """),
                )
            ],
            response_quality=CORRECT,
        ),
        item(
            subdomain="Mathematics",
            language="zh",
            difficulty="easy",
            prompt="已知等比数列 $\\{a_n\\}$ 中 $a_1 = 2$，公比 $q = 3$，求前 5 项和 $S_5$。",
            reference="242",
            responses=[
                (
                    CIRRUS,
                    block(r"""
                    由等比数列求和公式 $S_n = \frac{a_1(q^n - 1)}{q - 1}$，这里 $a_1 = 2$，$q = 3$，$n = 5$：

                    $$S_5 = \frac{2(3^4 - 1)}{3 - 1} = \frac{2 \times 80}{2} = 80.$$

                    **答案：** $80$
                    """),
                )
            ],
            response_quality=WRONG,
        ),
        item(
            subdomain="Mathematics",
            language="zh",
            difficulty="medium",
            prompt="证明：对任意正整数 $n$，$n^3 - n$ 都能被 6 整除。",
            reference="$n^3 - n = (n-1)n(n+1)$ 是三个连续整数之积，其中必有一个偶数和一个 3 的倍数，故能被 6 整除。",
            responses=[
                (
                    CIRRUS,
                    block(r"""
                    证明：由高斯三连数定理，任意三个连续整数之积都能被 $3! = 6$ 整除。而

                    $$n^3 - n = (n - 1)\,n\,(n + 1)$$

                    恰为三个连续整数之积，所以 $6 \mid n^3 - n$。证毕。
                    """),
                )
            ],
            response_quality=HALLUCINATED,
        ),
        item(
            subdomain="Mathematics",
            language="zh",
            difficulty="easy",
            prompt="解方程组：$$\\begin{cases} x + y = 7 \\\\ 2x - y = 2 \\end{cases}$$",
            reference="$x = 3,\\ y = 4$",
            responses=[
                (
                    ATLAS,
                    block(r"""
                    解：两式相加，消去 $y$：

                    $$3x = 9 \;\Rightarrow\; x = 3.$$

                    代入第一个方程得 $y = 7 - 3 = 4$。检验：$2 \times 3 - 4 = 2$ ✓。

                    **答案：** $x = 3,\ y = 4$
                    """),
                )
            ],
            response_quality=CORRECT,
        ),
        item(
            subdomain="Physics",
            language="en",
            difficulty="easy",
            prompt=(
                "A ball is thrown straight up at $20\\ \\text{m/s}$. Taking $g = 9.8\\ \\text{m/s}^2$ and ignoring air "
                "resistance, how high does it rise?"
            ),
            reference="$\\approx 20.4$ m",
            responses=[
                (
                    BOREALIS,
                    block(r"""
                    At the top the velocity is zero. Using $v^2 = u^2 - 2gh$ with $v = 0$:

                    $$h = \frac{u^2}{2g} = \frac{(20\ \text{m/s})^2}{2 \times 9.8\ \text{m/s}^2} = \frac{400}{19.6}\ \text{m} \approx 20.4\ \text{m}.$$

                    It gets there after $t = u/g \approx 2.04$ s.
                    """),
                )
            ],
            response_quality=CORRECT,
        ),
        item(
            subdomain="Physics",
            language="en",
            difficulty="easy",
            prompt="Why is the sky blue?",
            reference=(
                "Rayleigh scattering by air molecules scales as $1/\\lambda^4$, so short (blue) wavelengths are "
                "scattered much more than long (red) ones and reach the eye from all directions of the sky."
            ),
            responses=[
                (
                    CIRRUS,
                    "The sky is blue because of Rayleigh scattering: blue light has the longest wavelength in the visible "
                    "spectrum, so it gets scattered the most by the molecules in the air and reaches our eyes from every "
                    "direction.",
                )
            ],
            response_quality=SLOPPY,
        ),
        item(
            subdomain="Physics",
            language="en",
            difficulty="easy",
            prompt=(
                "A $2\\ \\text{kg}$ mass hangs on a spring with spring constant $k = 50\\ \\text{N/m}$. What is the "
                "period of small oscillations?"
            ),
            reference="$T = 2\\pi\\sqrt{m/k} = 0.4\\pi \\approx 1.26$ s",
            responses=[
                (
                    ATLAS,
                    block(r"""
                    For a mass–spring system

                    $$T = 2\pi\sqrt{\frac{k}{m}} = 2\pi\sqrt{25} = 10\pi \approx 31.4\ \text{s}.$$
                    """),
                )
            ],
            response_quality=WRONG,
        ),
        item(
            subdomain="Physics",
            language="zh",
            difficulty="easy",
            prompt="一辆汽车以 72 km/h 的速度行驶，刹车后做匀减速直线运动，加速度大小为 $5\\ \\text{m/s}^2$。求刹车距离。",
            reference="40 m",
            responses=[
                (
                    BOREALIS,
                    block(r"""
                    解：先换算单位：$v_0 = 72\ \text{km/h} = 20\ \text{m/s}$。末速度为 0，由 $v^2 - v_0^2 = -2as$ 得

                    $$s = \frac{v_0^2}{2a} = \frac{20^2}{2 \times 5} = 40\ \text{m}.$$

                    刹车用时 $t = v_0 / a = 4\ \text{s}$。

                    **答案：** 刹车距离为 $40$ m。
                    """),
                )
            ],
            response_quality=CORRECT,
        ),
        item(
            subdomain="Physics",
            language="en",
            difficulty="medium",
            prompt="What is the maximum possible efficiency of a heat engine operating between reservoirs at 500 K and 300 K?",
            reference="Carnot efficiency $1 - T_C/T_H = 0.4$ (40 percent)",
            responses=[
                (
                    CIRRUS,
                    block(r"""
                    The maximum is fixed by the Kelvin–Hoffmann efficiency bound, which states that no engine can exceed
                    $\eta = 1 - \frac{T_C}{T_H}$. Here

                    $$\eta = 1 - \frac{300}{500} = 0.4,$$

                    i.e. **40 percent**.
                    """),
                )
            ],
            response_quality=HALLUCINATED,
        ),
        item(
            subdomain="Chemistry",
            language="en",
            difficulty="easy",
            prompt="Balance the equation for the combustion of propane: $\\mathrm{C_3H_8 + O_2 \\rightarrow CO_2 + H_2O}$.",
            reference="$\\mathrm{C_3H_8 + 5\\,O_2 \\rightarrow 3\\,CO_2 + 4\\,H_2O}$",
            responses=[
                (
                    ATLAS,
                    block(r"""
                    1. Carbon: 3 C on the left, so $3\,\mathrm{CO_2}$.
                    2. Hydrogen: 8 H on the left, so $4\,\mathrm{H_2O}$.
                    3. Oxygen: the right now has $3 \times 2 + 4 \times 1 = 10$ O atoms, so $5\,\mathrm{O_2}$.

                    $$\mathrm{C_3H_8 + 5\,O_2 \longrightarrow 3\,CO_2 + 4\,H_2O}$$

                    Check: C $3 = 3$, H $8 = 8$, O $10 = 10$. ✓
                    """),
                )
            ],
            response_quality=CORRECT,
        ),
        item(
            subdomain="Chemistry",
            language="en",
            difficulty="easy",
            prompt="What is the pH of a 0.01 M solution of hydrochloric acid?",
            reference="2",
            responses=[
                (
                    CIRRUS,
                    "HCl is a weak acid that only partially dissociates, but at this concentration we can treat "
                    "$[\\mathrm{H^+}] = 0.01$ M, so $\\mathrm{pH} = -\\log_{10}(0.01) = 2$.",
                )
            ],
            response_quality=SLOPPY,
        ),
        item(
            subdomain="Chemistry",
            language="zh",
            difficulty="easy",
            prompt="计算 25 ℃ 时 0.1 mol/L NaOH 溶液的 pH。",
            reference="13",
            responses=[
                (
                    ATLAS,
                    "解：NaOH 完全电离，$c = 0.1\\ \\text{mol/L}$，所以 $\\mathrm{pH} = -\\lg 0.1 = 1$。\n\n**答案：** pH = 1",
                )
            ],
            response_quality=WRONG,
        ),
        item(
            subdomain="Chemistry",
            language="en",
            difficulty="easy",
            prompt="What is the hybridization of the carbon atom in carbon dioxide?",
            reference="$sp$ (linear molecule, 180°)",
            responses=[
                (
                    ATLAS,
                    "Carbon forms two C=O double bonds, and each double bond needs a $p$ orbital, so the carbon is "
                    "$sp^2$ hybridized and the molecule is trigonal planar.",
                )
            ],
            response_quality=WRONG,
        ),
        item(
            subdomain="Biology",
            language="en",
            difficulty="easy",
            prompt=(
                "Two heterozygous pea plants (Aa × Aa) are crossed, where A is dominant. What fraction of the "
                "offspring is expected to show the dominant phenotype?"
            ),
            reference="$\\frac{3}{4}$",
            responses=[
                (
                    CIRRUS,
                    block(r"""
                    Punnett square:

                    |       | **A** | **a** |
                    |-------|-------|-------|
                    | **A** | AA    | Aa    |
                    | **a** | Aa    | aa    |

                    Three of the four equally likely genotypes (AA, Aa, Aa) carry at least one dominant allele, so the
                    fraction is $\frac34$: a 1 : 2 : 1 genotype ratio and a 3 : 1 phenotype ratio.
                    """),
                )
            ],
            response_quality=CORRECT,
        ),
        item(
            subdomain="Biology",
            language="en",
            difficulty="easy",
            prompt="What is the net ATP yield of glycolysis per molecule of glucose?",
            reference="2 ATP net (4 produced, 2 consumed), plus 2 NADH and 2 pyruvate",
            responses=[
                (
                    ATLAS,
                    "According to the Hensley–Marsh energy theorem, each glucose molecule entering glycolysis yields "
                    "36 ATP, since every carbon atom releases six ATP equivalents.",
                )
            ],
            response_quality=HALLUCINATED,
        ),
        item(
            subdomain="Biology",
            language="zh",
            difficulty="medium",
            prompt="简述什么是 DNA 的半保留复制，并说明支持这一结论的经典实验。",
            reference="子代 DNA 各含一条亲代链和一条新链；Meselson–Stahl 实验（1958）用 ¹⁵N/¹⁴N 标记和密度梯度离心证明。",
            responses=[
                (
                    BOREALIS,
                    block(r"""
                    **半保留复制**是指：DNA 复制时亲代双链解开，每条链各自作为模板合成一条新的互补链，因此每个子代 DNA 分子都由一条旧链和一条新链组成。

                    **经典实验：Meselson–Stahl 实验（1958 年）**

                    1. 先让大肠杆菌在只含 $^{15}\mathrm{N}$ 的培养基中繁殖多代，使 DNA 全部被重氮标记；
                    2. 再把细菌转移到含 $^{14}\mathrm{N}$ 的培养基中培养；
                    3. 每复制一代取样，用氯化铯密度梯度离心分离 DNA。

                    **结果：** 第一代只出现一条“中间密度”带（$^{15}\mathrm{N}/^{14}\mathrm{N}$ 杂合）；第二代出现中间带和轻带，各占一半。这排除了全保留复制（第一代应出现重带和轻带）和弥散复制（第二代不应出现纯轻带），支持半保留复制。
                    """),
                )
            ],
            response_quality=CORRECT,
        ),
        item(
            subdomain="Computer Science",
            language="en",
            difficulty="easy",
            prompt=block("""
            What is the time complexity of this function, and can it be made faster?

            ```python
            def count_pairs(xs):
                n = len(xs)
                count = 0
                for i in range(n):
                    for j in range(i + 1, n):
                        if xs[i] + xs[j] == 0:
                            count += 1
                return count
            ```
            """),
            reference="$O(n^2)$; a hash map of counts gives $O(n)$ expected time.",
            responses=[
                (
                    BOREALIS,
                    block(r"""
                    The inner loop runs $n - 1 - i$ times for each $i$, so the comparison executes

                    $$\sum_{i=0}^{n-1} (n - 1 - i) = \frac{n(n-1)}{2}$$

                    times: **$O(n^2)$** time and $O(1)$ extra space.

                    It can be done in expected $O(n)$ time by counting, for each element, how many earlier elements
                    are its negation:

                    ```python
                    from collections import Counter

                    def count_pairs(xs):
                        seen = Counter()
                        count = 0
                        for x in xs:
                            count += seen[-x]
                            seen[x] += 1
                        return count
                    ```

                    This uses $O(n)$ extra memory for the counter.
                    """),
                )
            ],
            response_quality=CORRECT,
        ),
        item(
            subdomain="Computer Science",
            language="en",
            difficulty="easy",
            prompt=(
                "Write a SQL query that returns the 3 customers with the highest total order amount from a table "
                "`orders(customer_id, amount)`."
            ),
            reference=(
                "`SELECT customer_id, SUM(amount) AS total FROM orders GROUP BY customer_id ORDER BY total DESC LIMIT 3;`"
            ),
            responses=[
                (
                    ATLAS,
                    block("""
                    ```sql
                    SELECT customer_id, SUM(amount) AS total
                    FROM orders
                    GROUP BY customer_id
                    ORDER BY total
                    LIMIT 3;
                    ```

                    This groups the orders per customer, sums the amounts, sorts by the total and keeps the top three.
                    """),
                )
            ],
            response_quality=WRONG,
        ),
        item(
            subdomain="Computer Science",
            language="en",
            difficulty="easy",
            prompt="In JavaScript, why does `[10, 1, 2].sort()` return `[1, 10, 2]`?",
            reference="Without a comparator, `sort` compares elements as strings (UTF-16 code units); use `(a, b) => a - b`.",
            responses=[
                (
                    BOREALIS,
                    block("""
                    Because `Array.prototype.sort()` without a comparator converts the elements to **strings** and
                    compares them by UTF-16 code units. As strings, `"1" < "10" < "2"`: the comparison stops at the
                    first differing character, and `"1"` sorts before `"2"`.

                    Pass a numeric comparator:

                    ```javascript
                    [10, 1, 2].sort();                 // [1, 10, 2]  (string order)
                    [10, 1, 2].sort((a, b) => a - b);  // [1, 2, 10]  (numeric order)
                    ```

                    Note that `sort` also mutates the array in place; `toSorted()` (ES2023) returns a sorted copy.
                    """),
                )
            ],
            response_quality=CORRECT,
        ),
        item(
            subdomain="Computer Science",
            language="en",
            difficulty="easy",
            messages=chat(
                "You are a senior Python engineer doing code review. Be concise and concrete.",
                block("""
                Here's a helper from our codebase:

                ```python
                def add_tag(tag, tags=[]):
                    tags.append(tag)
                    return tags
                ```
                """),
                "Thanks. What behaviour are you seeing?",
                "`add_tag('a')` returns `['a']`, but then `add_tag('b')` returns `['a', 'b']`. Why does the list keep "
                "growing between calls?",
            ),
            reference=(
                "Default values are evaluated once, when the `def` runs, so all calls share one list; default to "
                "`None` and create a new list inside."
            ),
            responses=[
                (
                    ATLAS,
                    block("""
                    Default argument values are evaluated **once**, when the `def` statement executes, not on every
                    call. Every call that omits `tags` therefore shares the *same* list object, and `append` mutates it.

                    Use `None` as a sentinel:

                    ```python
                    def add_tag(tag, tags=None):
                        if tags is None:
                            tags = []
                        tags.append(tag)
                        return tags
                    ```

                    You can see the shared object in `add_tag.__defaults__`, which shows `(['a', 'b'],)` after your two calls.
                    """),
                )
            ],
            response_quality=CORRECT,
        ),
        item(
            subdomain="Computer Science",
            language="en",
            difficulty="medium",
            prompt=block("""
            A junior developer wrote this to greet users:

            ```javascript
            const name = new URLSearchParams(location.search).get("name");
            document.getElementById("greeting").innerHTML = "<b>Hello, " + name + "</b>";
            ```

            What happens if someone sends a link with `?name=<img src=x onerror=alert(document.cookie)>`? How should it be fixed?
            """),
            reference=(
                "DOM-based XSS: the value is parsed as HTML and the `onerror` handler runs attacker JavaScript. "
                "Assign with `textContent` (or escape) instead of `innerHTML`."
            ),
            responses=[
                (
                    BOREALIS,
                    block("""
                    This is a **DOM-based cross-site scripting (XSS)** bug.

                    `innerHTML` parses its input as HTML. With that link, the page builds

                    ```html
                    <b>Hello, <img src=x onerror=alert(document.cookie)></b>
                    ```

                    The browser tries to load the image `x`, fails, and runs the `onerror` handler: attacker-controlled
                    JavaScript running in your page's origin, able to read cookies that are not `HttpOnly` and call your
                    APIs as the victim. Interestingly, a plain <script>alert(1)</script> payload would *not* run here,
                    because scripts inserted through `innerHTML` are never executed, which is exactly why attackers use
                    event-handler attributes instead.

                    ### Fix

                    Treat the value as text, not markup:

                    ```javascript
                    const b = document.createElement("b");
                    b.textContent = `Hello, ${name ?? "there"}`;
                    document.getElementById("greeting").replaceChildren(b);
                    ```

                    As defence in depth, send a Content-Security-Policy whose `script-src` does not allow
                    `'unsafe-inline'`, which blocks inline event handlers like `onerror`.
                    """),
                )
            ],
            response_quality=CORRECT,
            untrusted_html=True,
        ),
        item(
            subdomain="Computer Science",
            language="zh",
            difficulty="easy",
            prompt="用 Python 写一个函数，判断字符串是否为回文（忽略大小写和非字母数字字符），并说明时间复杂度。",
            reference="过滤出字母数字字符并转为小写后与其反转比较；时间复杂度 $O(n)$。",
            responses=[
                (
                    CIRRUS,
                    block("""
                    ```python
                    def is_palindrome(s: str) -> bool:
                        cleaned = [ch.lower() for ch in s if ch.isalnum()]
                        return cleaned == cleaned[::-1]
                    ```

                    时间复杂度是 $O(n \\log n)$，因为需要先排序再比较。
                    """),
                )
            ],
            response_quality=SLOPPY,
        ),
        item(
            subdomain="Computer Science",
            language="en",
            difficulty="easy",
            prompt="What is `0.1 + 0.2` in IEEE 754 double precision, and why isn't it exactly `0.3`?",
            reference="`0.30000000000000004`: 0.1, 0.2 and 0.3 are not exactly representable in binary.",
            responses=[
                (
                    CIRRUS,
                    block("""
                    It evaluates to `0.30000000000000004`.

                    Neither 0.1 nor 0.2 can be represented exactly in binary floating point (just as 1/3 has no finite
                    decimal expansion), so each literal is rounded to the nearest double, both slightly above the true
                    value. Their sum is rounded again, and the result is the double just above 0.3, not the double
                    nearest to 0.3. That is why `0.1 + 0.2 == 0.3` is `False` in Python and JavaScript alike.

                    Compare with a tolerance (`math.isclose(0.1 + 0.2, 0.3)`), or use `decimal.Decimal` or
                    `fractions.Fraction` when you need exact decimal arithmetic.
                    """),
                )
            ],
            response_quality=CORRECT,
        ),
        item(
            subdomain="Engineering",
            language="en",
            difficulty="easy",
            prompt="A 12 V battery drives three $4\\ \\Omega$ resistors connected in parallel. What total current does it supply?",
            reference="$R = \\frac{4}{3}\\ \\Omega$, $I = 9$ A",
            responses=[
                (
                    ATLAS,
                    "The total resistance is $4 + 4 + 4 = 12\\ \\Omega$, so $I = V/R = 12/12 = 1$ A.",
                )
            ],
            response_quality=WRONG,
        ),
        item(
            subdomain="Engineering",
            language="en",
            difficulty="medium",
            prompt=(
                "A steel rod ($E = 200$ GPa) is 2 m long with a cross-section of $100\\ \\text{mm}^2$. It carries an "
                "axial tensile load of 10 kN. How much does it stretch?"
            ),
            reference="1 mm",
            responses=[
                (
                    BOREALIS,
                    block(r"""
                    $$\delta = \frac{FL}{AE} = \frac{(10 \times 10^{3}\ \text{N})(2\ \text{m})}{(100 \times 10^{-6}\ \text{m}^2)(200 \times 10^{9}\ \text{Pa})} = \frac{2 \times 10^{4}}{2 \times 10^{7}}\ \text{m} = 1\ \text{mm}.$$

                    The stress is $\sigma = F/A = 100$ MPa, well below the yield strength of typical structural steel
                    (around 250 MPa), so the linear-elastic formula applies.
                    """),
                )
            ],
            response_quality=CORRECT,
        ),
        item(
            subdomain="Engineering",
            language="zh",
            difficulty="medium",
            prompt="简述 PID 控制器中积分项的作用，以及什么是积分饱和（windup）、如何抑制。",
            reference="积分项累积误差以消除稳态误差；执行器饱和时积分继续累积，导致超调和恢复迟缓（积分饱和），可用积分限幅、条件积分或反算法抑制。",
            responses=[
                (
                    BOREALIS,
                    block(r"""
                    ### 积分项的作用

                    - 积分项对误差随时间的累积进行调节：$u_I(t) = K_i \int_0^t e(\tau)\,d\tau$。
                    - 只要存在稳态误差，积分量就会持续增大，直到误差为零，因此它能**消除稳态误差**（纯比例控制通常会留有静差）。
                    - 代价是引入相位滞后：积分作用过强会使超调增大、振荡加剧，甚至失稳。

                    ### 积分饱和（windup）

                    当执行器已经达到极限（例如阀门全开、电机电压饱和）而误差仍然存在时，积分项会继续累积到很大的数值。等误差反向时，需要很长时间才能把积分量“放掉”，表现为严重超调和迟缓的恢复。

                    ### 常见对策

                    1. **积分限幅**：把积分量限制在一定范围内；
                    2. **条件积分**：执行器饱和且误差会加剧饱和时暂停积分；
                    3. **反算法（back-calculation）**：用执行器实际输出与控制器输出之差反馈修正积分量。
                    """),
                )
            ],
            response_quality=CORRECT,
        ),
        item(
            subdomain="Logic",
            language="en",
            difficulty="easy",
            prompt=(
                "All bloops are razzies. Some razzies are lazzies. Does it follow that some bloops are lazzies? "
                "Answer yes or no and explain."
            ),
            reference="No: the razzies that are lazzies need not be bloops.",
            responses=[
                (
                    ATLAS,
                    "Yes. All bloops are razzies, and some razzies are lazzies, so the bloops are among the razzies that "
                    "can be lazzies. Therefore some bloops are lazzies.",
                )
            ],
            response_quality=WRONG,
        ),
        item(
            subdomain="Puzzles",
            language="en",
            difficulty="easy",
            prompt=(
                "A bat and a ball cost 1.10 euros in total. The bat costs 1.00 euro more than the ball. "
                "How much does the ball cost?"
            ),
            reference="0.05 euros (5 cents)",
            responses=[
                (
                    CIRRUS,
                    "The bat costs 1.00 euro more than the ball and together they cost 1.10 euros, so the ball costs "
                    "0.10 euros (10 cents).",
                )
            ],
            response_quality=WRONG,
        ),
        item(
            subdomain="Logic",
            language="zh",
            difficulty="medium",
            prompt=(
                "甲、乙、丙三人中，每人要么总说真话，要么总说假话。甲说：“乙在说谎。”乙说：“丙在说谎。”"
                "丙说：“甲和乙都在说谎。”请问谁说的是真话？"
            ),
            reference="只有乙说真话。",
            responses=[
                (
                    BOREALIS,
                    block("""
                    解：逐一假设。

                    - **假设丙说真话**：则甲、乙都在说谎。甲说“乙在说谎”是假话，说明乙说真话，与“乙在说谎”矛盾。所以丙说谎。
                    - 丙说谎，那么乙说“丙在说谎”是真话，乙说真话。
                    - 甲说“乙在说谎”，而乙说真话，所以甲说谎。
                    - 检验：丙说“甲和乙都在说谎”，实际上乙说真话，这句话为假，与丙说谎一致 ✓。

                    **答案：** 只有乙说真话，甲和丙都在说谎。
                    """),
                )
            ],
            response_quality=CORRECT,
        ),
        item(
            subdomain="Planning",
            language="en",
            difficulty="easy",
            prompt="You have a 3-litre jug and a 5-litre jug and an unlimited water supply. How can you measure exactly 4 litres?",
            reference=(
                "Fill 5, pour into 3 (2 left), empty 3, pour the 2 into 3, fill 5, top up the 3 (1 litre): 4 litres "
                "remain in the 5-litre jug."
            ),
            responses=[
                (
                    ATLAS,
                    block("""
                    | Step | Action | 5 L jug | 3 L jug |
                    |---|---|---|---|
                    | 1 | Fill the 5 L jug | 5 | 0 |
                    | 2 | Pour from 5 L into 3 L until it is full | 2 | 3 |
                    | 3 | Empty the 3 L jug | 2 | 0 |
                    | 4 | Pour the 2 L into the 3 L jug | 0 | 2 |
                    | 5 | Fill the 5 L jug again | 5 | 2 |
                    | 6 | Top up the 3 L jug (only 1 L fits) | **4** | 3 |

                    The 5-litre jug now holds exactly **4 litres**.
                    """),
                )
            ],
            response_quality=CORRECT,
        ),
        item(
            subdomain="Mathematics",
            language="en",
            difficulty="hard",
            prompt="How many real roots does $f(x) = x^3 - 3x + 1$ have? Justify your answer.",
            reference="3",
            responses=[
                (
                    BOREALIS,
                    block(r"""
                    For a depressed cubic $x^3 + px + q$ the discriminant is $\Delta = -4p^3 - 27q^2$. Here $p = -3$
                    and $q = 1$:

                    $$\Delta = -4(-3)^3 - 27 \cdot 1^2 = 108 - 27 = 81 > 0,$$

                    so there are **three distinct real roots**.

                    Sign changes confirm it: $f(-2) = -1$, $f(0) = 1$, $f(1) = -1$ and $f(2) = 3$, so by the
                    intermediate value theorem there is a root in each of $(-2, 0)$, $(0, 1)$ and $(1, 2)$.
                    """),
                )
            ],
            response_quality=CORRECT,
        ),
        item(
            subdomain="Mathematics",
            language="zh",
            difficulty="medium",
            prompt="求 $\\sum_{k=1}^{n} k^3$ 的闭合形式。",
            reference="$\\left(\\frac{n(n+1)}{2}\\right)^2$",
            responses=[
                (
                    CIRRUS,
                    block(r"""
                    由柯西–黎曼求和定理，$\sum_{k=1}^n k^3 = \left(\sum_{k=1}^n k\right)^2$，所以

                    $$\sum_{k=1}^{n} k^3 = \left(\frac{n(n+1)}{2}\right)^2.$$
                    """),
                )
            ],
            response_quality=HALLUCINATED,
        ),
        item(
            subdomain="Physics",
            language="zh",
            difficulty="easy",
            messages=chat(
                "你是一名高中物理老师，回答时请写出公式和代入过程。",
                "老师，自由落体运动的位移公式是什么？",
                "自由落体是初速度为零、加速度为 $g$ 的匀加速直线运动，位移公式为 $h = \\frac{1}{2} g t^2$。",
                "那一个小球从 45 m 高处自由下落，落地需要多长时间？（取 $g = 10\\ \\text{m/s}^2$）",
            ),
            reference="3 s",
            responses=[
                (
                    ATLAS,
                    block(r"""
                    由 $h = \frac12 g t^2$ 得

                    $$t = \sqrt{\frac{2h}{g}} = \sqrt{\frac{2 \times 45}{10}} = \sqrt{9} = 3\ \text{s}.$$

                    落地时的速度为 $v = gt = 30\ \text{m/s}$。
                    """),
                )
            ],
            response_quality=CORRECT,
        ),
    ]


def stem_records() -> list[Record]:
    return handwritten_stem() + generated_stem()
