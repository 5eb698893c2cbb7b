"""The "sft-writing" demo project: prompts for which domain experts write ideal answers (no responses).

Metadata `task` says what kind of writing is asked for: proof, problem, explanation, essay, code,
translation or plan. Reference answers are given where the task has a checkable final answer.
"""

from __future__ import annotations

from assay.demo._seed_common import Record, chat, item


def sft_records() -> list[Record]:
    return [
        # --- STEM: mathematics ---------------------------------------------------------------------------
        item(
            subdomain="Mathematics",
            language="en",
            difficulty="hard",
            prompt="Prove that there are infinitely many primes of the form $4k + 3$.",
            task="proof",
        ),
        item(
            subdomain="Mathematics",
            language="en",
            difficulty="hard",
            prompt=(
                "Find all functions $f: \\mathbb{R} \\to \\mathbb{R}$ such that for all real $x, y$\n\n"
                "$$f(x + y) = f(x) + f(y) \\quad\\text{and}\\quad f(xy) = f(x)f(y).$$\n\n"
                "Give a complete proof that your list is exhaustive."
            ),
            reference="$f(x) = 0$ for all $x$, or $f(x) = x$ for all $x$.",
            task="proof",
        ),
        item(
            subdomain="Mathematics",
            language="en",
            difficulty="medium",
            prompt=(
                "Explain, with a fully worked example, how to diagonalise the matrix\n\n"
                "$$A = \\begin{pmatrix} 2 & 1 \\\\ 1 & 2 \\end{pmatrix}$$\n\n"
                "and use the diagonalisation to compute $A^{10}$."
            ),
            reference="Eigenvalues 1 and 3; $A^{10} = \\begin{pmatrix} 29525 & 29524 \\\\ 29524 & 29525 \\end{pmatrix}$.",
            task="problem",
        ),
        item(
            subdomain="Mathematics",
            language="zh",
            difficulty="hard",
            prompt=(
                "设正实数 $a, b, c$ 满足 $abc = 1$，证明：\n\n"
                "$$\\frac{1}{a^3(b + c)} + \\frac{1}{b^3(c + a)} + \\frac{1}{c^3(a + b)} \\ge \\frac{3}{2}.$$\n\n"
                "请写出完整、严谨的证明，并指出等号成立的条件。"
            ),
            reference="等号当且仅当 $a = b = c = 1$ 时成立。",
            task="proof",
        ),
        item(
            subdomain="Mathematics",
            language="en",
            difficulty="medium",
            prompt=(
                "Using the $\\varepsilon$-$\\delta$ definition, prove that $\\lim_{x \\to 2} x^2 = 4$. Explain the "
                "purpose of each step for a student seeing such proofs for the first time."
            ),
            task="proof",
        ),
        item(
            subdomain="Mathematics",
            language="en",
            difficulty="medium",
            prompt="How many positive integers $n \\le 1000$ have the property that $n^2 + 1$ is divisible by 5? Explain your reasoning.",
            reference="400",
            task="problem",
        ),
        item(
            subdomain="Mathematics",
            language="en",
            difficulty="easy",
            prompt=(
                "A bag contains 5 red and 3 blue balls. Two balls are drawn without replacement. Find the probability "
                "that they are different colours, and solve it in two ways: by counting, and with a tree diagram."
            ),
            reference="$\\frac{15}{28}$",
            task="problem",
        ),
        item(
            subdomain="Mathematics",
            language="en",
            difficulty="easy",
            prompt="Explain to a high-school student why $0.999\\ldots = 1$, anticipating and answering the most common objections.",
            task="explanation",
        ),
        item(
            subdomain="Mathematics",
            language="zh",
            difficulty="easy",
            prompt="一个圆锥的底面半径为 3 cm，母线长为 5 cm，求它的侧面积和体积，并写出详细的解题步骤。",
            reference="侧面积 $15\\pi\\ \\text{cm}^2$，体积 $12\\pi\\ \\text{cm}^3$",
            task="problem",
        ),
        item(
            subdomain="Mathematics",
            language="en",
            difficulty="hard",
            prompt=(
                "Evaluate the improper integral $$\\int_0^{\\infty} \\frac{\\sin x}{x}\\,dx$$ and give a rigorous "
                "derivation suitable for a first-year graduate student, including a justification that the integral "
                "converges."
            ),
            reference="$\\frac{\\pi}{2}$",
            task="proof",
        ),
        # --- STEM: sciences and engineering ------------------------------------------------------------------
        item(
            subdomain="Physics",
            language="en",
            difficulty="medium",
            prompt=(
                "Explain why the period of a simple pendulum does not depend on its mass but does depend on its "
                "length, and derive $T \\approx 2\\pi\\sqrt{L/g}$ for small oscillations."
            ),
            task="explanation",
        ),
        item(
            subdomain="Physics",
            language="zh",
            difficulty="easy",
            prompt="请向高中生解释什么是电磁感应，说明法拉第电磁感应定律的含义，并举出两个生活中的应用。",
            task="explanation",
        ),
        item(
            subdomain="Physics",
            language="en",
            difficulty="medium",
            prompt=(
                "A satellite is in a circular orbit 400 km above Earth's surface. Compute its orbital speed and "
                "period, stating every constant you use and its value."
            ),
            reference="$v \\approx 7.67$ km/s, $T \\approx 92$ min",
            task="problem",
        ),
        item(
            subdomain="Physics",
            language="en",
            difficulty="easy",
            prompt="Explain the difference between mass and weight to a ten-year-old, using an example about astronauts.",
            task="explanation",
        ),
        item(
            subdomain="Chemistry",
            language="en",
            difficulty="medium",
            prompt=(
                "Explain Le Chatelier's principle using the Haber process as the example, including why industry runs "
                "the reaction at around 450 °C even though it is exothermic."
            ),
            task="explanation",
        ),
        item(
            subdomain="Chemistry",
            language="zh",
            difficulty="easy",
            prompt="请解释为什么油和水不能互溶，并说明洗洁精是如何去除油污的。",
            task="explanation",
        ),
        item(
            subdomain="Chemistry",
            language="en",
            difficulty="hard",
            messages=chat(
                "You are writing model answers for an undergraduate organic chemistry course. Be rigorous but readable.",
                "Next question for the answer key: compare the SN1 and SN2 mechanisms. Cover the rate laws, "
                "stereochemistry and solvent effects, and state which mechanism is favoured for tertiary alkyl halides, "
                "and why.",
            ),
            task="explanation",
        ),
        item(
            subdomain="Biology",
            language="en",
            difficulty="medium",
            prompt="Explain how mRNA vaccines work, for an intelligent non-scientist, in about 300 words.",
            task="explanation",
        ),
        item(
            subdomain="Biology",
            language="zh",
            difficulty="medium",
            prompt="请比较有丝分裂和减数分裂的异同，最后用一张 Markdown 表格进行总结。",
            task="explanation",
        ),
        item(
            subdomain="Biology",
            language="en",
            difficulty="hard",
            prompt="Summarise the evidence for the endosymbiotic origin of mitochondria and chloroplasts, and note any open questions.",
            task="essay",
        ),
        item(
            subdomain="Computer Science",
            language="en",
            difficulty="medium",
            prompt=(
                "Implement an LRU cache in Python with $O(1)$ `get` and `put`, without using `functools.lru_cache`. "
                "Explain the data structures you chose and include a few tests."
            ),
            task="code",
        ),
        item(
            subdomain="Computer Science",
            language="en",
            difficulty="medium",
            messages=chat(
                "You are a senior Python engineer mentoring a junior colleague.",
                "I keep hearing that Python threads are useless because of the GIL.",
                "That's a common oversimplification. Threads are still very useful for some workloads.",
                "Then explain the difference between processes and threads, and when I should use `asyncio` instead "
                "of either. Include short code examples.",
            ),
            task="explanation",
        ),
        item(
            subdomain="Computer Science",
            language="zh",
            difficulty="medium",
            prompt=(
                "有一张表 `orders(id, customer_id, amount, created_at)`。请写 SQL 查询出每个客户最近一笔订单的金额，"
                "给出两种写法（窗口函数和相关子查询），并说明各自的优缺点。"
            ),
            task="code",
        ),
        item(
            subdomain="Computer Science",
            language="en",
            difficulty="medium",
            prompt=(
                "A user submitted this as their profile link: `[my site](javascript:alert(document.cookie))`.\n\n"
                "Explain, for a junior developer, why rendering user-supplied Markdown links like this is dangerous and "
                "how a Markdown renderer should handle them. Include a small JavaScript function that only accepts "
                "`http:`, `https:` and `mailto:` URLs."
            ),
            task="code",
            untrusted_html=True,
        ),
        item(
            subdomain="Computer Science",
            language="en",
            difficulty="hard",
            prompt=(
                "Explain the CAP theorem precisely, including what \"consistency\" and \"availability\" mean in its "
                "formal statement, and discuss three common misconceptions about it."
            ),
            task="explanation",
        ),
        item(
            subdomain="Engineering",
            language="en",
            difficulty="easy",
            prompt="Explain how a four-stroke petrol engine works, stroke by stroke, for a car enthusiast with no engineering training.",
            task="explanation",
        ),
        item(
            subdomain="Engineering",
            language="zh",
            difficulty="medium",
            prompt="请解释什么是有限元分析（FEA），以及它在结构设计中的基本流程和常见误差来源。",
            task="explanation",
        ),
        item(
            subdomain="Engineering",
            language="en",
            difficulty="easy",
            prompt="Why do bridges need expansion joints? Include a rough calculation for a 100 m steel span and a 40 °C temperature swing.",
            reference="About 48 mm ($\\Delta L = \\alpha L \\Delta T$ with $\\alpha \\approx 12 \\times 10^{-6}$ /K).",
            task="explanation",
        ),
        # --- Reasoning -----------------------------------------------------------------------------------------
        item(
            subdomain="Logic",
            language="en",
            difficulty="easy",
            prompt="Explain the difference between deductive, inductive and abductive reasoning, with one everyday example of each.",
            task="explanation",
        ),
        item(
            subdomain="Puzzles",
            language="en",
            difficulty="medium",
            prompt=(
                "Explain why, in the Monty Hall problem, switching doors wins with probability $\\frac{2}{3}$. Write the "
                "explanation so that it would convince a sceptical friend, then give a short formal calculation."
            ),
            reference="$\\frac{2}{3}$",
            task="explanation",
        ),
        item(
            subdomain="Puzzles",
            language="zh",
            difficulty="easy",
            prompt="农夫要带一只狼、一只羊和一棵白菜过河，船每次只能载农夫和一样东西；农夫不在时，狼会吃羊，羊会吃白菜。请给出过河方案，并解释为什么最少需要 7 次渡河。",
            reference="7 次渡河（先带羊过河，并在中途把羊带回一次）。",
            task="problem",
        ),
        item(
            subdomain="Planning",
            language="en",
            difficulty="medium",
            messages=chat(
                "You are a career coach. Give concrete, prioritised advice.",
                "I have a job interview for a data analyst role next week.",
                "Congratulations! How much time can you set aside to prepare?",
                "About 10 hours in total. Create a prioritised preparation plan and justify how you split the time.",
            ),
            task="plan",
        ),
        item(
            subdomain="Logic",
            language="en",
            difficulty="hard",
            prompt="Explain Russell's paradox and how Zermelo–Fraenkel set theory avoids it.",
            task="explanation",
        ),
        item(
            subdomain="Logic",
            language="zh",
            difficulty="easy",
            prompt="请解释“充分条件”和“必要条件”的区别，各举两个生活中的例子，并说明“充要条件”的含义。",
            task="explanation",
        ),
        item(
            subdomain="Puzzles",
            language="en",
            difficulty="medium",
            prompt=(
                "You have 8 identical-looking coins, one of which is slightly heavier. Show how to find it with two "
                "weighings on a balance scale, and prove that one weighing is not enough."
            ),
            reference="Two weighings: 3 against 3, then 1 against 1 from the heavier group (or the remaining 2).",
            task="problem",
        ),
        item(
            subdomain="Planning",
            language="en",
            difficulty="medium",
            messages=chat(
                "You are an operations consultant for small businesses.",
                "We're a bakery with 5 staff.",
                "Great. What would you like help with?",
                "Plan weekly staff shifts for a shop open 7am to 7pm, 7 days a week, where each person works at most "
                "40 hours a week and at least two people are in during the 7–10am rush. Explain your reasoning.",
            ),
            task="plan",
        ),
        # --- Humanities --------------------------------------------------------------------------------------------
        item(
            subdomain="History",
            language="en",
            difficulty="medium",
            prompt="Write a 500-word essay assessing the main causes of the fall of the Western Roman Empire.",
            task="essay",
        ),
        item(
            subdomain="History",
            language="zh",
            difficulty="medium",
            prompt="请分析商鞅变法的主要内容及其对秦国发展的影响。",
            task="essay",
        ),
        item(
            subdomain="History",
            language="en",
            difficulty="medium",
            prompt="Compare the American and French Revolutions in their causes, ideals and outcomes.",
            task="essay",
        ),
        item(
            subdomain="History",
            language="zh",
            difficulty="hard",
            prompt="试论丝绸之路对东西方文明交流的影响，要求观点明确、史实准确，不少于 800 字。",
            task="essay",
        ),
        item(
            subdomain="History",
            language="en",
            difficulty="easy",
            prompt="Explain the significance of Gutenberg's printing press (c. 1450) for European society.",
            task="explanation",
        ),
        item(
            subdomain="Philosophy",
            language="en",
            difficulty="hard",
            prompt="Present Descartes' cogito argument and evaluate one major objection to it.",
            task="essay",
        ),
        item(
            subdomain="Philosophy",
            language="en",
            difficulty="medium",
            messages=chat(
                "You are an ethics tutor. Present each view fairly before evaluating it.",
                "Is it ever OK to lie?",
                "Philosophers disagree sharply on that. Do you have a particular case in mind?",
                "Yes: lying to protect a friend from someone who wants to harm them. Compare how a utilitarian and a "
                "Kantian would analyse it.",
            ),
            task="essay",
        ),
        item(
            subdomain="Philosophy",
            language="zh",
            difficulty="medium",
            prompt="请比较儒家与道家对“自然”与“人为”的不同态度，并结合原典加以说明。",
            task="essay",
        ),
        item(
            subdomain="Philosophy",
            language="en",
            difficulty="medium",
            messages=chat(
                "You are a philosophy tutor for first-year students.",
                "I just read about the ship of Theseus.",
                "It's a classic puzzle about identity over time. What did you make of it?",
                "Honestly I'm confused. Can you explain the main positions philosophers take on it?",
            ),
            task="explanation",
        ),
        item(
            subdomain="Literature",
            language="en",
            difficulty="medium",
            prompt="Analyse how Shakespeare presents ambition in *Macbeth*, with reference to at least three scenes.",
            task="essay",
        ),
        item(
            subdomain="Literature",
            language="zh",
            difficulty="medium",
            prompt="赏析杜甫《登高》的颔联“无边落木萧萧下，不尽长江滚滚来”，从意象、对仗和情感三个方面展开。",
            task="essay",
        ),
        item(
            subdomain="Literature",
            language="en",
            difficulty="medium",
            prompt=(
                "Translate into Simplified Chinese, preserving the irony of the original:\n\n"
                "> It is a truth universally acknowledged, that a single man in possession of a good fortune, must be "
                "in want of a wife."
            ),
            task="translation",
        ),
        item(
            subdomain="Literature",
            language="zh",
            difficulty="hard",
            prompt="请把下面的诗句翻译成英文，注意保留原诗的意境和节奏，并简要说明你的翻译取舍：\n\n> 采菊东篱下，悠然见南山。山气日夕佳，飞鸟相与还。",
            task="translation",
        ),
        item(
            subdomain="Literature",
            language="en",
            difficulty="easy",
            prompt="What is an unreliable narrator? Explain with two examples from well-known novels.",
            task="explanation",
        ),
        item(
            subdomain="Law",
            language="en",
            difficulty="medium",
            prompt="Explain the difference between civil law and common law legal systems, for a first-year law student.",
            task="explanation",
        ),
        item(
            subdomain="Law",
            language="zh",
            difficulty="medium",
            prompt="请解释什么是“正当防卫”，以及我国《刑法》第二十条对正当防卫及其限度的规定。",
            task="explanation",
        ),
        item(
            subdomain="Law",
            language="en",
            difficulty="hard",
            prompt="Explain the elements of a valid contract under English law, illustrating each with a short hypothetical.",
            task="explanation",
        ),
        item(
            subdomain="Law",
            language="en",
            difficulty="medium",
            messages=chat(
                "You write plain-language explanations for a legal-aid charity. Explain the law in general terms and "
                "do not give advice on individual cases.",
                "What is the GDPR's \"right to erasure\", and when can a company refuse a request?",
            ),
            task="explanation",
        ),
        # --- General knowledge ------------------------------------------------------------------------------------
        item(
            subdomain="Geography",
            language="en",
            difficulty="easy",
            prompt="Explain why Iceland has so much geothermal energy and how the country uses it.",
            task="explanation",
        ),
        item(
            subdomain="Geography",
            language="zh",
            difficulty="medium",
            prompt="为什么中国地势呈西高东低、三级阶梯分布？这种地势对河流流向和气候有什么影响？",
            task="explanation",
        ),
        item(
            subdomain="Culture",
            language="en",
            difficulty="easy",
            prompt="Explain the origins and main customs of Diwali for a general audience.",
            task="explanation",
        ),
        item(
            subdomain="Culture",
            language="zh",
            difficulty="easy",
            messages=chat(
                "你是一名文化讲解员，语言通俗易懂。",
                "我的外国朋友想了解中国的端午节。",
                "好的，您希望我从哪些方面介绍？",
                "请介绍端午节的来历和主要习俗，300 字左右。",
            ),
            task="explanation",
        ),
        item(
            subdomain="Everyday Life",
            language="en",
            difficulty="easy",
            prompt=(
                "Explain how compound interest works, with a worked example of saving 200 euros a month for 30 years "
                "at 5% a year, and explain why starting early matters."
            ),
            task="explanation",
        ),
        item(
            subdomain="Everyday Life",
            language="en",
            difficulty="easy",
            messages=chat(
                "You are a friendly cooking assistant.",
                "I want to bake bread for the first time.",
                "Great! Do you have yeast and a loaf tin?",
                "Yes. Write a beginner-friendly recipe for a simple white loaf, and explain the science behind each step.",
            ),
            task="explanation",
        ),
    ]
